import DubKitMedia
import Foundation

/// Puts a dub that drifted back onto its source's timeline: each stretch between the segment
/// boundaries of a ``SyncReport`` is time-stretched (pitch kept) to its length in the source, so
/// every segment starts and ends where the source's does and the total length is the source's.
/// It streams the dub one stretch at a time.
public enum SyncFitter {
    /// Writes the fitted dub to `output` (16-bit WAV at the dub's rate and channels); `scratch` holds
    /// the pieces while they are stretched. Returns the fitted length in seconds.
    @discardableResult
    public static func fit(dubbed: URL, report: SyncReport, sourceSeconds: Double, to output: URL, scratch: URL) async throws -> Double {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let reader = try AudioSampleReader(dubbed)
        let rate = Double(reader.sampleRate)
        let channels = reader.channels
        let writer = try PCMWAVWriter(output, sampleRate: reader.sampleRate, channels: channels)
        // Boundaries in the source and where the dub has them, both in samples, kept in order.
        var source: [Int] = [0]
        var dub: [Int] = [0]
        for segment in report.segments {
            for (at, offset) in [(segment.sourceStartMs, segment.startOffsetMs), (segment.sourceEndMs, segment.endOffsetMs)] {
                let s = Int(Double(at) / 1000 * rate), d = Int(Double(at + offset) / 1000 * rate)
                guard s > source[source.count - 1], d > dub[dub.count - 1] else { continue }
                source.append(s)
                dub.append(d)
            }
        }
        source.append(max(Int(sourceSeconds * rate), source[source.count - 1]))
        dub.append(Int.max)
        var pending: [[Float]] = Array(repeating: [], count: channels)
        var finished = false
        for index in 1..<source.count {
            let wanted = dub[index] == Int.max ? Int.max : dub[index] - dub[index - 1]
            while !finished && (pending.first?.count ?? 0) < wanted {
                let block = try reader.read()
                if block.first?.isEmpty ?? true { finished = true; break }
                for channel in 0..<channels { pending[channel] += block[channel] }
            }
            let take = min(wanted, pending.first?.count ?? 0)
            let piece = pending.map { Array($0.prefix(take)) }
            pending = pending.map { Array($0.dropFirst(take)) }
            let target = source[index] - source[index - 1]
            try writer.write(interleave(try await stretch(piece, to: target, rate: reader.sampleRate, scratch: scratch)))
        }
        return try writer.finish()
    }

    /// `piece` made exactly `target` samples long: time-stretched when it is long enough to stretch
    /// well, else padded or cut.
    static func stretch(_ piece: [[Float]], to target: Int, rate: Int, scratch: URL) async throws -> [[Float]] {
        let length = piece.first?.count ?? 0
        guard target > 0 else { return piece.map { _ in [] } }
        var result = piece
        let ratio = Double(length) / Double(target)
        if length > rate / 10 && abs(ratio - 1) > 0.002 {
            let input = scratch.appendingPathComponent(OwnedTemporary.name("fit", suffix: ".wav"))
            let output = scratch.appendingPathComponent(OwnedTemporary.name("fit", suffix: ".wav"))
            defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: output) }
            let writer = try PCMWAVWriter(input, sampleRate: rate, channels: piece.count)
            try writer.write(interleave(piece))
            try writer.finish()
            _ = try await AudioProcessor.process(from: input, to: output, filters: [.tempo(min(max(ratio, 0.25), 100))],
                                                 options: AudioExtractionOptions(format: .wav))
            let reader = try AudioSampleReader(output)
            result = Array(repeating: [], count: piece.count)
            while true {
                let block = try reader.read()
                if block.first?.isEmpty ?? true { break }
                for channel in 0..<min(block.count, piece.count) { result[channel] += block[channel] }
            }
        }
        return result.map { channel in
            channel.count >= target ? Array(channel.prefix(target)) : channel + [Float](repeating: 0, count: target - channel.count)
        }
    }

    static func interleave(_ planes: [[Float]]) -> [Float] {
        guard planes.count > 1 else { return planes.first ?? [] }
        let count = planes.map(\.count).min() ?? 0
        var out = [Float](repeating: 0, count: count * planes.count)
        for index in 0..<count {
            for channel in 0..<planes.count { out[index * planes.count + channel] = planes[channel][index] }
        }
        return out
    }
}
