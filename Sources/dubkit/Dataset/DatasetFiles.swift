import DubKit

extension ProjectStore {
    /// The files of `dataset`, as `dataset show` and `dataset validate` read them: a file added before
    /// recordings were analysed is measured now, once; one that cannot be read stays without figures
    /// and is handed to `unreadable`, rather than hiding the others.
    func analysedFiles(of dataset: Dataset, unreadable: (DatasetFile, any Error) -> Void = { _, _ in }) throws -> [DatasetFile] {
        try files(of: dataset).map { file in
            guard !file.analysed else { return file }
            do {
                return try analyse(file)
            } catch {
                unreadable(file, error)
                return file
            }
        }
    }
}
