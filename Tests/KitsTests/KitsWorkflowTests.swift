import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeKits
import Foundation
import KitsProvider
import Testing

@Suite("Kits.ai through the core's workflow, against the fake server")
struct KitsWorkflowTests {
    @Test("a video is extracted, sent once as a multipart conversion with its options, polled and downloaded")
    func fullDub() async throws {
        let h = try KitsHarness()
        let video = h.dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 2)
        let id = try h.fileDub(video, voice: "3", pitch: -3, parameters: [
            "conversionStrength": .number(0.5), "modelVolumeMix": .number(1),
            "pre.NoiseGate.threshold_db": .number(-40), "pre.HighPassFilter": .bool(true),
            "post.Reverb.room_size": .number(0.25),
        ])

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.createConversion) == 1)
        let conversion = try #require(h.fake.conversionIDs.first.flatMap { h.fake.conversion($0) })
        #expect(conversion.voiceModelId == 3)
        #expect(conversion.fields["pitchShift"] == "-3")
        #expect(conversion.fields["conversionStrength"] == "0.5")
        #expect(conversion.fields["modelVolumeMix"] == "1")
        #expect(conversion.fields["pre"] == #"{"HighPassFilter":{},"NoiseGate":{"threshold_db":-40}}"#)
        #expect(conversion.fields["post"] == #"{"Reverb":{"room_size":0.25}}"#)
        #expect(conversion.soundFileFormat == "wav" && conversion.soundFileBytes > 100_000) // the audio, not the MP4
        #expect(abs(conversion.inputSeconds - 2) < 0.1)
        #expect(dub.inputDurationMs.map { abs($0 - 2000) < 100 } == true)
        #expect(dub.creditsRequired == 0 && dub.creditsUsed == 0) // Kits bills by plan, not per job
        #expect(abs(try h.resultSeconds(dub) - 2) < 0.1)
        let statuses = try h.store.events(of: .dub, id: id).compactMap(\.toStatus)
        #expect(statuses.contains("preprocessed") && statuses.contains("queued") && statuses.contains("processing"))
        #expect(statuses.last == "done")
        // The staged sound file is gone once the result is stored; the job's record stays.
        let jobID = try #require(dub.providerJobID)
        #expect(!FileManager.default.fileExists(atPath: h.stateFolder.appendingPathComponent(jobID).path))
        #expect(FileManager.default.fileExists(atPath: h.stateFolder.appendingPathComponent("\(jobID).json").path))
        // The signed output URL was fetched without the key.
        let download = try #require(h.fake.requests.first { $0.path.hasPrefix("/signed/") })
        #expect(download.header("Authorization") == nil)
    }

    @Test("a WAV over the size limit is sent as FLAC, converted before the upload")
    func oversizeWAVBecomesFLAC() async throws {
        let h = try KitsHarness(maxSoundFileBytes: 200_000)
        let id = try h.fileDub(try h.tone("long.wav", seconds: 3)) // 3 s at 44.1 kHz 16-bit: 265 kB as WAV

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let conversion = try #require(h.fake.conversionIDs.first.flatMap { h.fake.conversion($0) })
        #expect(conversion.soundFileFormat == "flac")
        #expect(conversion.soundFileBytes <= 200_000)
        #expect(abs(conversion.inputSeconds - 3) < 0.1)
    }

    @Test("an input too large even as MP3 is refused before anything is sent")
    func tooLargeIsRefused() async throws {
        let h = try KitsHarness(maxSoundFileBytes: 2_000)
        let id = try h.fileDub(try h.tone("long.wav", seconds: 3))

        let dub = try await h.run(id)

        #expect(dub.status == .error)
        #expect(dub.errorCode == "sound_file")
        #expect(dub.errorMessage?.contains("at most 2000 bytes") == true, "\(dub.errorMessage ?? "")")
        #expect(h.fake.totalCalls == 0)
    }

    @Test("a 429 on the conversion POST is waited out as Retry-After says, and one conversion is made")
    func rateLimitedPost() async throws {
        let h = try KitsHarness()
        h.fake.inject(.rateLimited(retryAfterSeconds: 1), on: .createConversion)
        let id = try h.fileDub(try h.tone("a.wav"))
        let started = Date()

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.createConversion) == 2)
        #expect(h.fake.conversionIDs.count == 1)
        #expect(Date().timeIntervalSince(started) >= 1)
    }

    /// A POST that fails without its answer, and how many POSTs it takes: one when Kits acted on it.
    struct LostPost: Sendable, CustomStringConvertible {
        var fault: FakeKits.Fault
        var posts: Int
        var description: String {
            posts == 1 ? "a POST whose answer is lost is found among the account's conversions, not sent again"
                : "a POST dropped before Kits acted is sent again once the lookup finds nothing"
        }
    }

    @Test("a POST without its answer is looked up among the account's conversions before it is sent again",
          arguments: [LostPost(fault: .dropAfterProcessing, posts: 1), LostPost(fault: .dropConnection, posts: 2)])
    func lostPostIsLookedUp(_ lost: LostPost) async throws {
        let h = try KitsHarness()
        h.fake.inject(lost.fault, on: .createConversion)
        let id = try h.fileDub(try h.tone("a.wav"))

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.createConversion) == lost.posts)
        #expect(h.fake.conversionIDs.count == 1)
        #expect(h.fake.calls(.listConversions) >= 1)
    }

    @Test("a 500 while polling and a download cut halfway are survived")
    func transientFaults() async throws {
        let h = try KitsHarness()
        h.fake.inject(.serverError, on: .getConversion)
        h.fake.inject(.dropConnection, on: .downloadOutput)
        let id = try h.fileDub(try h.tone("a.wav", seconds: 2))

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(abs(try h.resultSeconds(dub) - 2) < 0.1)
        #expect(h.fake.calls(.downloadOutput) >= 2)
    }

    @Test("a conversion ending in error or cancelled on Kits's side ends the dub with a clear message")
    func conversionEndsBadly() async throws {
        let h = try KitsHarness()
        h.fake.inject(.conversionFails, on: .createConversion)
        let failing = try await h.run(try h.fileDub(try h.tone("a.wav")))
        #expect(failing.status == .error)
        #expect(failing.errorCode == "kits_conversion_error")
        #expect(failing.errorMessage?.contains("dub retry") == true)

        let slow = try KitsHarness(stage: .seconds(30))
        let id = try slow.fileDub(try slow.tone("b.wav"))
        let task = Task { try await slow.run(id) }
        while slow.fake.conversionIDs.isEmpty { try await Task.sleep(nanoseconds: 20_000_000) }
        slow.fake.cancel(slow.fake.conversionIDs[0])
        let cancelled = try await task.value
        #expect(cancelled.status == .error)
        #expect(cancelled.errorCode == "kits_conversion_cancelled")
    }

    @Test("a later process continues a job from the state folder: the POST is not sent twice")
    func resumesInAnotherProcess() async throws {
        let h = try KitsHarness()
        let first = h.adapter
        let created = try await first.createDub(DubJobRequest(voice: "2", pitchShift: 0, separate: false, parameters: .empty))
        _ = try await first.uploadDub(jobID: created.jobID, audio: try h.tone("a.wav"))
        _ = try await first.preprocessDub(jobID: created.jobID)
        _ = try await first.generateDub(jobID: created.jobID)

        let second = try h.makeAdapter()
        var state = try await second.pollDub(jobID: created.jobID)
        while state.status == .processing {
            try await Task.sleep(nanoseconds: 30_000_000)
            state = try await second.pollDub(jobID: created.jobID)
        }
        #expect(state.status == .done)
        _ = try await second.generateDub(jobID: created.jobID) // already submitted: only looked at
        let out = h.dir.path("out.wav")
        try await second.downloadDub(jobID: created.jobID, to: out)
        #expect(try MediaProbe.probe(out).audioStreams.count == 1)
        #expect(h.fake.calls(.createConversion) == 1)
    }

    @Test("a signed outputFileUrl that has expired is read again for a fresh one and the download succeeds")
    func expiredOutputURL() async throws {
        let h = try KitsHarness(urlLifetime: .seconds(1))
        let job = try await h.adapter.createDub(DubJobRequest(voice: "2", pitchShift: 0, separate: false, parameters: .empty)).jobID
        _ = try await h.adapter.uploadDub(jobID: job, audio: try h.tone("a.wav", seconds: 1))
        _ = try await h.adapter.preprocessDub(jobID: job)
        _ = try await h.adapter.generateDub(jobID: job)
        var state = try await h.adapter.pollDub(jobID: job)
        while state.status == .processing {
            try await Task.sleep(nanoseconds: 30_000_000)
            state = try await h.adapter.pollDub(jobID: job)
        }
        #expect(state.status == .done)
        // The read the download starts with is answered 1.5 s late: the 1-second URL in it has expired on arrival.
        h.fake.inject(.slow(.milliseconds(1500)), on: .getConversion)
        let reads = h.fake.calls(.getConversion)

        let out = h.dir.path("out.wav")
        try await h.adapter.downloadDub(jobID: job, to: out)

        #expect(h.fake.calls(.downloadOutput) == 2, "the expired URL (403), then the fresh one")
        #expect(h.fake.calls(.getConversion) == reads + 2, "one more read, for a fresh URL")
        #expect(abs((try MediaProbe.probe(out).durationSeconds ?? 0) - 1) < 0.1)
    }
}
