import Foundation
import Testing
@testable import VoiceDubProvider

@Suite("VoiceDub poll gate's time file")
struct VoiceDubPollGateTimeTests {
    @Test("the end of a read is written as %.6f writes it, and reads back to the microsecond")
    func timeText() {
        for time in [0, 0.5, 1, 59.000001, 1_764_687_000, 1_764_687_000.25, 1_764_687_000.000_9, 1_764_687_999.999_999] {
            #expect(VoiceDubPollGate.text(time) == String(format: "%.6f", time))
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let time = Double.random(in: 1_600_000_000...2_000_000_000, using: &generator)
            let text = VoiceDubPollGate.text(time)
            #expect(text.split(separator: ".").last?.count == 6)
            #expect(abs((Double(text) ?? 0) - time) <= 0.000_001, "\(text) for \(time)")
        }
        #expect(VoiceDubPollGate.text(-1.5) == "-1.500000")
    }
}
