import Foundation

extension FakeVoiceDub {
    /// How a fake server starts out and how fast it works.
    public struct Options: Sendable {
        /// The key every API call must send as `Authorization: Api-Key <key>`.
        public var apiKey: String
        /// The account's `apiCredits` at start.
        public var startingCredits: Int64
        /// How long a dub or voice stays in each processing status.
        public var stageDuration: Duration
        /// How many public voices GET /v1/voices has (a generated, deterministic catalogue).
        public var publicVoices: Int
        /// API calls allowed per key per minute (then 429); nil sends no X-RateLimit headers and never limits.
        public var rateLimitPerMinute: Int?
        /// How long presigned upload and download URLs stay valid.
        public var presignedURLLifetime: Duration
        /// The input duration the fake assumes for a link it cannot fetch (not on 127.0.0.1).
        public var remoteLinkDuration: Duration
        /// The speed of the results against their input (atempo): 1 keeps every result as long as its
        /// input; 0.97 makes each 3% slower (longer), as a service that drifts would.
        public var resultTempo: Double
        /// Serves several requests per connection, as the real API does (see ``TestHTTPServer``); off by
        /// default, so an injected hang-up always meets a fresh connection.
        public var keepAlive: Bool

        /// Defaults: key "test-key", 10,000 credits, 200 ms per status, 30 public voices, no rate
        /// limit, URLs valid for an hour, remote links taken as 60 s of audio, results as long as their input,
        /// one request per connection.
        public init(apiKey: String = "test-key", startingCredits: Int64 = 10_000,
                    stageDuration: Duration = .milliseconds(200), publicVoices: Int = 30,
                    rateLimitPerMinute: Int? = nil, presignedURLLifetime: Duration = .seconds(3600),
                    remoteLinkDuration: Duration = .seconds(60), resultTempo: Double = 1, keepAlive: Bool = false) {
            self.resultTempo = resultTempo
            self.keepAlive = keepAlive
            self.apiKey = apiKey
            self.startingCredits = startingCredits
            self.stageDuration = stageDuration
            self.publicVoices = publicVoices
            self.rateLimitPerMinute = rateLimitPerMinute
            self.presignedURLLifetime = presignedURLLifetime
            self.remoteLinkDuration = remoteLinkDuration
        }
    }
}
