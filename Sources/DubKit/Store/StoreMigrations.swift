/// The store's migrations as other modules of the package see them: the PostgreSQL store follows the
/// same ordered list of names as the SQLite one.
package enum StoreMigrations {
    /// The migrations' names, in the order they are applied (``StoreSchema``'s).
    package static var names: [String] { StoreSchema.migrator.migrations }
}
