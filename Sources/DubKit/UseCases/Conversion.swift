import DubKitMedia
import Foundation

/// `dubkit convert` as one use case: checks the whole request, trains a reference voice when asked,
/// creates (or continues) the dub in a project, runs it and exports the result. The CLI parses the
/// arguments, hands them here and prints what comes back.
public struct Conversion: Sendable {
    /// What to convert, read from the command line.
    public struct Request: Sendable {
        /// The video or audio file, or an http(s) link to one.
        public var input: String
        /// Where the result goes.
        public var output: URL
        /// The provider and its voice (`PROVIDER:VOICE` split); ignored with ``reference``.
        public var providerID: String
        public var voiceRef: String
        /// A recording of the target voice, trained into a local voice first.
        public var reference: String?
        /// The project the dub is recorded in (created when missing).
        public var project: String
        /// `--pitch`, nil when not given.
        public var pitch: Int?
        /// `--strength`, the provider's `conversionStrength`.
        public var strength: Double?
        public var export: DubExporter.Settings
        /// Start a new dub even when an earlier run's can be continued.
        public var fresh: Bool
        /// A preview slice, or nil for the whole input.
        public var slice: PreviewSlice?

        /// A request; see the properties.
        public init(input: String, output: URL, providerID: String, voiceRef: String, reference: String?, project: String,
                    pitch: Int?, strength: Double?, export: DubExporter.Settings, fresh: Bool, slice: PreviewSlice?) {
            self.input = input
            self.output = output
            self.providerID = providerID
            self.voiceRef = voiceRef
            self.reference = reference
            self.project = project
            self.pitch = pitch
            self.strength = strength
            self.export = export
            self.fresh = fresh
            self.slice = slice
        }
    }

    /// Where the conversion tells how it goes.
    public struct Observer: Sendable {
        /// A line for the person waiting (a stage done, a dub continued).
        public var report: @Sendable (String) -> Void
        /// How far the conversion of the dub is, 0...1.
        public var fraction: @Sendable (Double) -> Void
        /// The dub is known: the closure gives its input's length once measured.
        public var started: @Sendable (_ mediaSeconds: @escaping @Sendable () -> Double?) -> Void
        /// The dub's run ended (done or not), before the export.
        public var converted: @Sendable () -> Void
        /// The export's phases.
        public var exporting: (@Sendable (WorkProgress) -> Void)?

        /// An observer; every part defaults to doing nothing.
        public init(report: @escaping @Sendable (String) -> Void = { _ in }, fraction: @escaping @Sendable (Double) -> Void = { _ in },
                    started: @escaping @Sendable (_ mediaSeconds: @escaping @Sendable () -> Double?) -> Void = { _ in },
                    converted: @escaping @Sendable () -> Void = {}, exporting: (@Sendable (WorkProgress) -> Void)? = nil) {
            self.report = report
            self.fraction = fraction
            self.started = started
            self.converted = converted
            self.exporting = exporting
        }
    }

    /// What was written.
    public struct Result: Sendable {
        /// The export's record (path, format, tracks).
        public var record: ExportRecord
        /// The dub, done.
        public var dub: Dub
        /// The dub's id in ``Request/project``.
        public var id: Int64
    }

    let workspace: Workspace
    let registry: ProviderRegistry
    let links: LinkDownloader

    /// A conversion in `workspace`, with providers from `registry` and links fetched by `links`.
    public init(workspace: Workspace, registry: ProviderRegistry, links: LinkDownloader) {
        self.workspace = workspace
        self.registry = registry
        self.links = links
    }

    /// Runs `request`: nothing is extracted, written, created or sent before every part of it is
    /// checked; the same input, voice, parameters and output continue the dub of an earlier run.
    public func run(_ request: Request, observer: Observer = Observer()) async throws -> Result {
        var (providerID, voiceRef) = (request.providerID, request.voiceRef)
        let input = request.input, project = request.project, reference = request.reference, slice = request.slice
        let isLink = MediaLink.scheme(of: input) != nil && !FileManager.default.fileExists(atPath: input)
        let source = isLink ? try MediaLink(input).url.absoluteString : URL(fileURLWithPath: input).standardizedFileURL.path
        let outputURL = request.output.standardizedFileURL

        let provider = try await registry.provider(reference == nil ? providerID : "local")
        var values: [String: JSONValue] = [:]
        if let strength = request.strength { values["conversionStrength"] = .number(strength) }
        let settings = try DubSettings(pitch: request.pitch, parameters: try DubParameters(values), provider: provider.descriptor)
        let projectExists = try workspace.projectNames().contains(project)
        if reference == nil {
            let trained = projectExists ? try workspace.openProject(project).voices(provider: providerID).map(\.name) : []
            try DubPreflight.checkVoice(voiceRef, of: provider, trained: trained)
        }
        if let reference { try DubPreflight.checkInput(URL(fileURLWithPath: reference), field: "--reference") }
        let info = isLink ? nil : try DubPreflight.checkInput(URL(fileURLWithPath: source), field: "input")
        if let slice {
            guard !isLink else {
                throw DubKitError.notOffered(option: "--start/--duration", provider: "a link", reason: "a link's length is known only once it is downloaded",
                                             fix: "download it first (`dubkit convert` the whole link, or fetch the file), then preview the file")
            }
            try DubPreflight.checkSlice(start: slice.start, inputSeconds: info?.durationSeconds)
        }
        try DubPreflight.checkOutput(outputURL, field: "-o", sourceHasVideo: info.map(PreviewSlice.hasPicture))

        let store = try projectExists ? workspace.openProject(project) : workspace.createProject(project)
        let report = observer.report
        if let reference {
            let file = URL(fileURLWithPath: reference)
            let audio = try await store.media.importAudio(from: file)
            let name = "reference-\(audio.ref.hash.prefix(8))"
            let dataset = try store.datasetCreatingIfMissing(named: name)
            _ = try store.addFile(audio, to: dataset, originalName: file.lastPathComponent)
            let trained = try await VoiceTrainer(store: store, provider: provider, report: report)
                .train(name: name, dataset: dataset)
            guard trained.status == .done else {
                throw DubKitError.invalidField(field: "--reference", value: reference, allowed: "a recording with voiced speech (\(trained.errorMessage ?? ""))")
            }
            (providerID, voiceRef) = ("local", name)
        }
        // The same input, voice, parameters and output continue the dub of an earlier run: its paid
        // step is never sent twice.
        let key = try ProjectStore.convertKey(input: isLink ? nil : URL(fileURLWithPath: source), link: isLink ? source : nil,
                                              providerID: providerID, voiceRef: voiceRef, pitchShift: settings.pitchShift,
                                              parameters: settings.parameters, output: outputURL, slice: slice?.keyPart)
        let found = request.fresh ? nil : try store.convertDubContinuing(key: key)
        // A preview dubs its slice, cut from the input into the project's media (the picture too, when
        // the output is a video), so it is a dub of its own.
        var dubSource = source
        if found == nil, let slice {
            let cut = try await slice.cut(URL(fileURLWithPath: source), into: store.media,
                                          keepPicture: VideoContainerFormat(fileExtension: outputURL.pathExtension) != nil)
            dubSource = cut.file.path
            if cut.start < slice.start {
                report(String(format: "the preview starts at %.2f s, the keyframe before %.2f s (the picture is copied, not re-encoded)",
                              cut.start, slice.start))
            }
        }
        let (created, continued) = try found.map { ($0, true) } ?? store.convertDub(key: key, fresh: request.fresh, creating: Dub(
            providerID: providerID, voiceRef: voiceRef, sourceKind: isLink ? .link : .file, source: dubSource,
            pitchShift: settings.pitchShift, parameters: settings.parameters))
        guard let id = created.id else {
            throw DubKitError.invalidField(field: "dub id", value: "none", allowed: "the id the store gave the new dub")
        }
        observer.started { (try? store.dub(id))?.inputDurationMs.map { Double($0) / 1000 } }
        if continued {
            report("continuing dub \(id), stage \(created.status.rawValue) (--new starts a new dub)")
        }
        let dub = try await DubRunner(store: store, provider: provider, links: links, report: report,
                                      progress: observer.fraction).run(id)
        observer.converted()
        guard dub.status == .done else {
            throw DubKitError.dubFailed(id: id, project: project, code: dub.errorCode ?? "error", message: dub.errorMessage ?? "")
        }
        let record = try await DubExporter(store: store).export([dub], to: outputURL, settings: request.export,
                                                                progress: observer.exporting)
        return Result(record: record, dub: dub, id: id)
    }
}
