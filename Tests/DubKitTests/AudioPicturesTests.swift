import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("review pictures")
struct AudioPicturesTests {
    /// The picture as one gray byte per pixel, decoded by the ffmpeg program.
    private func gray(_ png: Data, in dir: TemporaryDirectory, name: String) throws -> [UInt8] {
        let file = dir.path("\(name).png")
        try png.write(to: file)
        let raw = dir.path("\(name).gray")
        let decoded = try ChildProcess.run("/usr/bin/ffmpeg", ["-v", "error", "-i", file.path, "-f", "rawvideo", "-pix_fmt", "gray", raw.path])
        try #require(decoded.status == 0, "\(decoded.stderr)")
        return [UInt8](try Data(contentsOf: raw))
    }

    @Test("the pictures put each moment of a recording in its own column: silence then a tone")
    func columnsFollowTime() throws {
        let dir = try TemporaryDirectory()
        let audio = dir.path("half.wav")
        let made = try ChildProcess.run("/usr/bin/ffmpeg", [
            "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono:d=3", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=22050:duration=3",
            "-filter_complex", "[0][1]concat=n=2:v=0:a=1", audio.path,
        ])
        try #require(made.status == 0, "\(made.stderr)")
        let (waveform, spectrogram) = try AudioPictures.draw(audio, width: 200, height: 50)

        // Waveform: a column spans more than its centre line only over the tone, the right half.
        let wave = try gray(waveform, in: dir, name: "wave")
        #expect(wave.count == 200 * 50)
        let drawnColumns = (0..<200).filter { x in (0..<50).filter { y in wave[y * 200 + x] < 150 }.count > 3 }
        #expect(drawnColumns.first.map { abs($0 - 100) <= 2 } == true, "first drawn column \(String(describing: drawnColumns.first))")
        #expect(drawnColumns.count >= 97, "\(drawnColumns.count) columns drawn")

        // Spectrogram: the left half is dark; on the right, the rows about 1 kHz (1/8 of the 8 kHz
        // height, from the bottom) are bright.
        let spectrum = try gray(spectrogram, in: dir, name: "spectrum")
        #expect(spectrum.count == 200 * 100)
        let mean = { (row: Int, columns: Range<Int>) in columns.map { Int(spectrum[row * 200 + $0]) }.reduce(0, +) / columns.count }
        let rows = (100 - 1 - 100 / 8 - 2)...(100 - 1 - 100 / 8 + 2)
        let left = rows.map { mean($0, 10..<90) }.max() ?? 0
        let right = rows.map { mean($0, 110..<190) }.max() ?? 0
        #expect(right > left + 120, "1 kHz rows: \(left) on the left, \(right) on the right")
    }
}
