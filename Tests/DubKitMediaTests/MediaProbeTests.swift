import DubKitMedia
import Foundation
import Testing

@Suite("media probe")
struct MediaProbeTests {
    @Test("reports container, duration and streams", arguments: SourceFixture.all)
    func probesGeneratedFiles(_ fixture: SourceFixture) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let info = try MediaProbe.probe(try fixture.make(in: scratch))

        #expect(info.formatName.contains(fixture.formatName))
        let duration = try #require(info.durationSeconds)
        #expect(abs(duration - SourceFixture.seconds) < 0.1)
        let audio = try #require(info.audioStreams.first)
        #expect(audio.codecName == fixture.audioCodec)
        #expect(audio.sampleRate == fixture.sampleRate)
        #expect(audio.channels == fixture.channels)
        #expect(audio.channelLayout?.isEmpty == false)
        if let videoCodec = fixture.videoCodec {
            let video = try #require(info.streams.first { $0.kind == .video })
            #expect(video.codecName == videoCodec)
            #expect(video.width == 160)
            #expect(video.height == 120)
            #expect(abs((video.frameRate ?? 0) - 25) < 0.01)
        } else {
            #expect(info.streams.allSatisfy { $0.kind == .audio })
        }
    }

    @Test("reports language tags and default flags of each stream")
    func languagesAndDefaults() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let url = scratch.url("two-languages.mkv")
        try FFmpegTool.run(
            FFmpegTool.tone(440) + FFmpegTool.tone(660)
                + ["-map", "0", "-map", "1", "-c:a", "flac",
                   "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra",
                   "-disposition:a:0", "default", "-disposition:a:1", "0", url.path])
        let info = try MediaProbe.probe(url)

        #expect(info.streams.map(\.language) == ["eng", "fra"])
        #expect(info.streams.map(\.isDefault) == [true, false])
        #expect(info.streams.map(\.index) == [0, 1])
    }

    @Test("encodes to JSON and back unchanged")
    func codableRoundTrip() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let info = try MediaProbe.probe(try SourceFixture.all[0].make(in: scratch))
        let decoded = try JSONDecoder().decode(MediaInfo.self, from: try JSONEncoder().encode(info))
        #expect(decoded == info)
    }
}
