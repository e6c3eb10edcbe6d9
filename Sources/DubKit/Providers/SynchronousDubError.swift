import Foundation

/// Why a step of ``SynchronousDubs`` failed, in the words every adapter of a synchronous service
/// shares; the adapter turns it into its own error type (``SynchronousService/failure(_:)``), so the
/// messages name the adapter and keep its codes.
public enum SynchronousDubError: Error, Sendable, Equatable {
    /// A step the job is not ready for, or an id the adapter never makes: the field, its value, what is allowed.
    case invalidValue(field: String, value: String, allowed: String)
    /// A file of the job (its record, staged input or stored result) that is gone, unreadable or
    /// cannot be written; `detail` says what to do.
    case jobFile(path: String, detail: String)
    /// The service answered something that is not the audio asked for.
    case invalidAnswer(operation: String, detail: String)

    /// A job folder's failure: an id the adapter never makes, or a record that cannot be read or written.
    public init(jobFolder error: JobFolderError) {
        guard let path = error.path else {
            self = .invalidValue(field: "job id", value: error.detail, allowed: "an id made by this adapter")
            return
        }
        self = .jobFile(path: path, detail: error.detail + "; run `dubkit dub retry` to start a new job")
    }
}
