import CFFmpeg
import Foundation

/// Puts dubbed audio tracks into the original video: the video is copied packet for packet, the
/// dubs are encoded to AAC and padded or trimmed to the video's length (a dub that already is AAC
/// and long enough is copied, trimmed at a packet boundary).
public enum Remuxer {
    /// Writes `plan.output`; nothing is left under its name unless the whole file was written.
    /// `progress` receives 0...1 as the video is copied.
    @discardableResult
    public static func remux(_ plan: RemuxPlan, progress: ((Double) -> Void)? = nil) throws -> RemuxResult {
        try run(plan, progress: progress, isCancelled: nil)
    }

    /// The same as the synchronous form, on a thread of its own so the cooperative pool is not
    /// blocked; cancelling the task stops the work with `CancellationError` and leaves no output.
    @discardableResult
    public static func remux(_ plan: RemuxPlan, progress: (@Sendable (Double) -> Void)? = nil) async throws -> RemuxResult {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    do {
                        continuation.resume(returning: try run(plan, progress: progress, isCancelled: { flag.isRaised }))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        } onCancel: {
            flag.raise()
        }
    }

    private static func run(
        _ plan: RemuxPlan, progress: ((Double) -> Void)?, isCancelled: (() -> Bool)?
    ) throws -> RemuxResult {
        MediaLibrary.prepare()
        let output = plan.output
        guard let container = VideoContainerFormat(fileExtension: output.pathExtension) else {
            throw MediaError.unsupportedContainer(path: output.path, fileExtension: output.pathExtension)
        }
        for track in plan.dubbedTracks where !DubbedTrack.isValidLanguage(track.language) {
            throw MediaError.invalidLanguage(path: track.audio.path, code: track.language)
        }
        let source = try MediaInput(plan.video)
        let streams = (0..<Int(source.context.pointee.nb_streams)).compactMap { source.stream($0) }
        let videoStreams = streams.filter(isCopiedVideo)
        guard !videoStreams.isEmpty else {
            if streams.isEmpty {
                throw MediaError.corrupt(path: source.path, detail: "it lists no streams at all")
            }
            throw MediaError.noVideoStream(path: source.path)
        }
        let temporary = TemporaryOutput(for: output)
        do {
            let muxer = try VideoOutputContainer(
                format: container, filePath: temporary.temporary.path, displayPath: output.path)
            let wholeSeconds = videoStreams.compactMap {
                MediaStreamInfo.seconds($0.pointee.duration, $0.pointee.time_base)
            }.max() ?? source.durationSeconds
            let videoSeconds = plan.window.map { window in
                wholeSeconds.map { min($0 - window.start, window.duration ?? .infinity) } ?? window.duration
            } ?? wholeSeconds
            let dubs: [any DubTrackWriter] = try plan.dubbedTracks.map { track in
                if let copier = try DubTrackCopier(track: track, videoSeconds: videoSeconds) {
                    return copier
                }
                return try DubTrackEncoder(
                    track: track, outputPath: output.path, bitRate: plan.audioBitRate, globalHeader: muxer.wantsGlobalHeader)
            }
            var session = RemuxSession(source: source, muxer: muxer, dubs: dubs, container: container, window: plan.window)
            let result = try session.run(
                videoStreams: videoStreams, keepOriginalAudio: plan.keepOriginalAudio, output: output.path,
                expectedSeconds: videoSeconds, progress: progress, isCancelled: isCancelled)
            try temporary.commit()
            return result
        } catch {
            temporary.discard()
            throw error
        }
    }

    /// Video streams to copy: real video, not a cover picture.
    private static func isCopiedVideo(_ stream: UnsafeMutablePointer<AVStream>) -> Bool {
        stream.pointee.codecpar?.pointee.codec_type == AVMEDIA_TYPE_VIDEO
            && stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0
    }
}
