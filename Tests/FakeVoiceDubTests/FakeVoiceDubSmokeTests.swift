import FakeVoiceDub
import Testing

@Suite struct FakeVoiceDubSmokeTests {
    @Test func startsOnALocalPort() throws {
        let fake = try FakeVoiceDub()
        #expect(fake.baseURL.host == "127.0.0.1")
        #expect(fake.publicVoices.count == 30)
    }
}
