import DubKit

/// What the local engine offers: offline conversion and training, free, no key, no network.
enum LocalDescriptor {
    static let value = ProviderDescriptor(
        id: "local", name: "Local engine (offline)",
        capabilities: [.convert, .train, .catalog, .referenceAudio, .pitchShift],
        limits: ProviderLimits(pitchShift: ParameterCatalogue.pitchShift.range, datasetFiles: 1...200, datasetSeconds: 1...14_400),
        billing: .free, minimumPollInterval: 0,
        parameters: [
            ParameterSpec("conversionStrength", .number(0...1), "0 leaves the voice unchanged, 1 maps it fully"),
            ParameterSpec("modelVolumeMix", .number(0...1), "0 keeps the source's loudness, 1 takes the voice's"),
            ParameterSpec("denoise", .bool, "remove background noise before analysis"),
        ])
}
