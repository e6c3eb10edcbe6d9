import Foundation

/// Shortens long pauses and cuts a recording into pieces at pauses, fed one 20 ms frame at a time
/// with whether it is speech. Leading and trailing silence is cut to half the kept pause.
public struct PauseTrimmer {
    private let halfPause: Int
    private let maxPiece: Int
    private let minCutRun: Int
    private var piece: [Float] = []
    private var tail: [[Float]] = []
    private var run = 0
    private var seenSpeech = false
    private var lastCut: Int?

    /// Pauses are kept at most `keptPauseSeconds` long; pieces are at most `maxPieceSeconds`, cut at the
    /// last pause of at least `minCutPauseSeconds` (or hard at the limit when there is none past half).
    public init(sampleRate: Int, keptPauseSeconds: Double = 0.3, maxPieceSeconds: Double, minCutPauseSeconds: Double = 0.2) {
        let frame = Double(sampleRate) / 50
        halfPause = max(1, Int(keptPauseSeconds / 0.02 / 2))
        maxPiece = max(Int(frame), Int(maxPieceSeconds * Double(sampleRate)))
        minCutRun = max(1, Int(minCutPauseSeconds / 0.02))
    }

    /// Takes one frame; returns the pieces it completed.
    public mutating func add(_ frame: [Float], speech: Bool) -> [[Float]] {
        if speech {
            if run > 0 && seenSpeech && run >= minCutRun { lastCut = piece.count }
            for kept in tail { piece.append(contentsOf: kept) }
            tail.removeAll(keepingCapacity: true)
            run = 0
            seenSpeech = true
            piece.append(contentsOf: frame)
        } else {
            if seenSpeech && run < halfPause {
                piece.append(contentsOf: frame)
            } else {
                tail.append(frame)
                if tail.count > halfPause { tail.removeFirst() }
            }
            run += 1
        }
        var done: [[Float]] = []
        while piece.count > maxPiece {
            let cut = lastCut.flatMap { $0 > maxPiece / 2 && $0 <= maxPiece ? $0 : nil } ?? maxPiece
            done.append(Array(piece[..<cut]))
            piece.removeFirst(cut)
            lastCut = nil
        }
        return done
    }

    /// The last piece, when it holds any speech.
    public mutating func finish() -> [[Float]] {
        defer { piece = []; tail = []; run = 0 }
        return seenSpeech && !piece.isEmpty ? [piece] : []
    }
}
