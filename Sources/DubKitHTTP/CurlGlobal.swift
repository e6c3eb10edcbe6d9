import CCurl

/// Runs `curl_global_init` exactly once per process, before the first handle is made.
enum CurlGlobal {
    private static let initialised: Bool = {
        curl_global_init(dubkit_curl_global_default()) == CURLE_OK
    }()

    /// True when libcurl is ready to use.
    static func ensure() -> Bool { initialised }
}
