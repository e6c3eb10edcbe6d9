import DubKit
import Foundation

/// A provider whose service converts in the request carrying the audio (``SynchronousService``): every
/// dub stage after create is the same for all such services, walked by its ``SynchronousDubs``, so its
/// adapter holds only its checks, `createDub` and its catalogue.
public protocol SynchronousProvider: Provider {
    /// The service the adapter sends its conversions to.
    associatedtype Service: SynchronousService
    /// The adapter's dubs, kept in its state folder.
    var dubs: SynchronousDubs<Service> { get }
}

extension SynchronousProvider {
    /// Stages the input in the job's folder (nothing is sent yet).
    public func uploadDub(jobID: String, audio: URL) async throws -> DubJobState {
        try await typed { try await dubs.upload(jobID: jobID, audio: audio) }
    }

    /// Marks the staged input measured, with the credits generate will cost.
    public func preprocessDub(jobID: String) async throws -> DubJobState {
        try await typed { try dubs.preprocess(jobID: jobID) }
    }

    /// Sends the conversion once and stores its audio.
    public func generateDub(jobID: String) async throws -> DubJobState {
        try await generateDub(jobID: jobID, progress: { _ in })
    }

    /// Sends the conversion once and stores its audio; `progress` follows the bytes written against
    /// the bytes the input's length should give. A job whose result is stored is not sent again.
    public func generateDub(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws -> DubJobState {
        try await typed { try await dubs.generate(jobID: jobID, progress: progress) }
    }

    /// Where the job stands (read from its record: the service keeps no job).
    public func pollDub(jobID: String) async throws -> DubJobState {
        try await typed { try dubs.poll(jobID: jobID) }
    }

    /// What can be told of a generate whose answer was lost (see ``SynchronousDubs/lookUp(jobID:service:)``).
    public func lookUpGenerate(jobID: String) async throws -> PaidRequestLookup {
        try await typed { try dubs.lookUp(jobID: jobID, service: descriptor.name) }
    }

    /// Copies the stored result.
    public func downloadDub(jobID: String, to destination: URL) async throws {
        try await typed { try dubs.download(jobID: jobID, to: destination) }
    }

    /// The dub is done: its job's record and stored result go from the state folder.
    public func releaseDubResult(jobID: String) async throws {
        dubs.release(jobID: jobID)
    }
}
