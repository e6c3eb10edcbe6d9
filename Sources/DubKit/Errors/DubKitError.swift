import Foundation

/// The errors of the DubKit core, each carrying what a user needs to act on it.
public enum DubKitError: Error, Sendable, Equatable {
    /// A project name that cannot be used as a folder inside the workspace.
    case invalidProjectName(name: String, reason: String)
    /// No project folder with that name in the workspace.
    case projectNotFound(name: String, workspace: String)
    /// A project with that name already exists.
    case projectExists(name: String, workspace: String)
    /// The folder exists but holds no readable project store.
    case notAProject(path: String)
    /// The store was written by a newer DubKit whose migrations this build does not know.
    case storeTooNew(path: String, unknownMigrations: [String])
    /// The workspace folder cannot be created or read.
    case workspaceUnavailable(path: String, reason: String)
    /// The workspace's `plugins` folder, where earlier versions kept plugins, still holds some; DubKit
    /// no longer runs them there.
    case oldPluginFolder(path: String, plugins: [String], pluginFolder: String)
    /// An entity status change that its lifecycle table does not allow.
    case illegalTransition(entity: EntityKind, id: Int64, from: String, to: String, allowed: [String])
    /// A field with a value outside what is accepted.
    case invalidField(field: String, value: String, allowed: String)
    /// No entity of that kind with that id or name in the project.
    case notFound(entity: EntityKind, key: String, project: String)
    /// A name that is already taken in the project.
    case duplicate(entity: EntityKind, key: String, project: String)
    /// A file of the media store could not be read or written.
    case mediaIO(path: String, reason: String)
    /// SQLite refused an operation; carries the store path and SQLite's message.
    case storage(path: String, reason: String)
    /// A dub that ended in error, with the cause recorded on it.
    case dubFailed(id: Int64, project: String, code: String, message: String)
    /// A paid step that would take the project past its credit budget; nothing was sent.
    case budgetExceeded(dub: Int64, required: Int64, committed: Int64, budget: Int64)
    /// A voice training whose paid step would take the project past its credit budget; nothing was sent.
    case trainingOverBudget(voice: String, required: Int64, committed: Int64, budget: Int64)
    /// A dataset that breaks a provider's training rules; nothing was uploaded.
    case datasetInvalid(dataset: String, provider: String, problems: [String])
    /// A row of the store that cannot be read (or a voice model that cannot be used): its own work
    /// fails with this, the rest of the project runs and lists.
    case damagedRecord(DamagedRecord, project: String)
    /// Another live runner holds the claim on this dub or voice; it is left to it.
    case claimedElsewhere(entity: EntityKind, id: Int64, holder: ClaimHolder)
    /// This runner's claim was taken over (its lease ran out while it was paused, slow or cut off):
    /// its write was refused, and the new holder carries on.
    case claimLost(entity: EntityKind, id: Int64, fence: Int64, holder: ClaimHolder?)
    /// A paid request was sent and its answer lost, and the service offers no way to find out
    /// whether it was carried out: it may have been charged. Nothing is sent again without the user's leave.
    case outcomeUnknown(dub: Int64, project: String, credits: Int64)
    /// A video whose audio ends more than a second before its picture: a dub of it would not line up,
    /// and its export would be refused; caught before anything is paid.
    case shortAudio(path: String, audioSeconds: Double, pictureSeconds: Double)
    /// An input (`--file`, `--reference`, convert's input) that cannot be dubbed: missing, unreadable,
    /// not media, or without an audio stream; refused before anything is created.
    case unusableInput(field: String, path: String, reason: String)
    /// An output that cannot be written: its folder is missing or read-only, or no exporter writes its
    /// extension; refused before anything is created.
    case unusableOutput(field: String, path: String, reason: String, fix: String)
    /// A voice the provider does not have (`local:brite`), with the nearest ones it does.
    case unknownVoice(voice: String, suggestions: [String], known: [String])
    /// An option the provider cannot honour (`--separate` with the local engine), with what would work.
    case notOffered(option: String, provider: String, reason: String, fix: String)
    /// A preview's `--start`/`--duration` outside the input.
    case sliceOutside(field: String, value: Double, inputSeconds: Double)
    /// A delete refused because other records still need the entity (`usedBy` names them); nothing was
    /// deleted. `hint` says what to do first.
    case inUse(entity: EntityKind, key: String, project: String, usedBy: [String], hint: String)
}

extension DubKitError: LocalizedError {
    /// A stable machine-readable code, used by `--json` and in tests.
    public var code: String {
        switch self {
        case .invalidProjectName: "invalid_project_name"
        case .projectNotFound: "project_not_found"
        case .projectExists: "project_exists"
        case .notAProject: "not_a_project"
        case .storeTooNew: "store_too_new"
        case .workspaceUnavailable: "workspace_unavailable"
        case .oldPluginFolder: "old_plugin_folder"
        case .illegalTransition: "illegal_transition"
        case .invalidField: "invalid_field"
        case .notFound: "not_found"
        case .duplicate: "duplicate"
        case .mediaIO: "media_io"
        case .storage: "storage"
        case .budgetExceeded, .trainingOverBudget: "budget_exceeded"
        case .datasetInvalid: "dataset_invalid"
        case .damagedRecord: "damaged_record"
        case .claimedElsewhere: "claimed_elsewhere"
        case .claimLost: "claim_lost"
        case .outcomeUnknown: "outcome_unknown"
        case .shortAudio: "short_audio"
        case .unusableInput: "unusable_input"
        case .unusableOutput: "unusable_output"
        case .unknownVoice: "unknown_voice"
        case .notOffered: "option_not_offered"
        case .sliceOutside: "slice_outside_input"
        case .inUse: "in_use"
        case let .dubFailed(_, _, code, _): code
        }
    }

    /// What went wrong, naming the file, entity or field.
    public var errorDescription: String? {
        switch self {
        case let .invalidProjectName(name, reason):
            "invalid project name \(name.debugDescription): \(reason)"
        case let .projectNotFound(name, workspace):
            "no project named '\(name)' in workspace \(workspace)"
        case let .projectExists(name, workspace):
            "a project named '\(name)' already exists in workspace \(workspace)"
        case let .notAProject(path):
            "\(path) is not a DubKit project: it has no readable project.sqlite"
        case let .storeTooNew(path, unknown):
            "\(path) was written by a newer DubKit (unknown migrations: \(unknown.joined(separator: ", ")))"
        case let .workspaceUnavailable(path, reason):
            "workspace \(path) is unavailable: \(reason)"
        case let .oldPluginFolder(path, plugins, pluginFolder):
            "\(path) holds \(plugins.joined(separator: ", ")), which DubKit no longer runs: plugins now live in \(pluginFolder)"
        case let .illegalTransition(entity, id, from, to, allowed):
            "\(entity.rawValue) \(id) cannot go from '\(from)' to '\(to)' (allowed from '\(from)': "
                + (allowed.isEmpty ? "none, it is final" : allowed.joined(separator: ", ")) + ")"
        case let .invalidField(field, value, allowed):
            "\(field) = \(value) is not accepted: allowed \(allowed)"
        case let .notFound(entity, key, project):
            "no \(entity.rawValue) '\(key)' in project '\(project)'"
        case let .duplicate(entity, key, project):
            "a \(entity.rawValue) named '\(key)' already exists in project '\(project)'"
        case let .mediaIO(path, reason):
            "media store file \(path): \(reason)"
        case let .storage(path, reason):
            "project store \(path): \(reason)"
        case let .dubFailed(id, _, code, message):
            "dub \(id) failed: \(code): \(message)"
        case let .budgetExceeded(dub, required, committed, budget):
            "dub \(dub) was not generated: it costs \(required) credits, \(committed) of the budget of \(budget) are already spent or committed"
        case let .trainingOverBudget(voice, required, committed, budget):
            "voice \(voice) was not trained: training costs \(required) credits, \(committed) of the budget of \(budget) are already spent or committed"
        case let .datasetInvalid(dataset, provider, problems):
            "dataset \(dataset) does not meet \(provider)'s rules; nothing was uploaded:\n  " + problems.joined(separator: "\n  ")
        case let .damagedRecord(record, project):
            "\(record.entity.rawValue) \(record.id) of project '\(project)' is damaged: its \(record.field) is \(record.value), "
                + "allowed \(record.allowed); it is left out of runs, and the rest of the project goes on"
        case let .claimedElsewhere(entity, id, holder):
            "\(entity.rawValue) \(id) is being run by \(holder.description); it is left to it"
        case let .claimLost(entity, id, fence, holder):
            "\(entity.rawValue) \(id): this runner's claim (fence \(fence)) was taken over"
                + (holder.map { " by \($0.runner.description) (fence \($0.fence))" } ?? "")
                + "; its write was refused"
        case let .outcomeUnknown(dub, _, credits):
            "dub \(dub): the paid request was sent but its answer was lost, and the provider cannot be asked "
                + "whether it was carried out: it may have been charged (\(credits) credits)"
        case let .shortAudio(path, audio, picture):
            String(format: "%@: its audio lasts %.1f s and its picture %.1f s; a dub of it would not line up with the picture, "
                   + "and nothing was sent to the provider", path, audio, picture)
        case let .unusableInput(field, path, reason):
            "\(field) \(path): \(reason)"
        case let .unusableOutput(field, path, reason, _):
            "\(field) \(path): \(reason)"
        case let .unknownVoice(voice, suggestions, _):
            "no voice '\(voice)'" + (suggestions.isEmpty ? "" : "; did you mean "
                + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?")
        case let .notOffered(option, provider, reason, _):
            "\(option) cannot be used with \(provider): \(reason)"
        case let .sliceOutside(field, value, seconds):
            String(format: "%@ %.3g s is outside the input, which lasts %.1f s", field, value, seconds)
        case let .inUse(entity, key, project, usedBy, _):
            "\(entity.rawValue) \(key) of project '\(project)' was not deleted: \(usedBy.joined(separator: "; "))"
        }
    }

    /// What to do next, when there is something useful to say.
    public var recoverySuggestion: String? {
        switch self {
        case .invalidProjectName:
            "use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.' or '-'"
        case .projectNotFound:
            "run `dubkit project list` to see the projects, or `dubkit project create NAME`"
        case .projectExists:
            "pick another name, or `dubkit project delete NAME --yes` first"
        case .notAProject:
            "move that folder out of the workspace, or restore its project.sqlite"
        case .storeTooNew:
            "upgrade DubKit to open this project"
        case .workspaceUnavailable:
            "pass a writable folder with --workspace DIR or DUBKIT_WORKSPACE"
        case let .oldPluginFolder(path, _, pluginFolder):
            "move them: `mkdir -p \(ShellWord.quoted(pluginFolder)) && mv \(ShellWord.quoted(path))/dubkit-provider-* \(ShellWord.quoted(pluginFolder))/`"
        case .illegalTransition:
            "run `dubkit dub log` to see how it got there"
        case .invalidField, .duplicate:
            nil
        case let .notFound(entity, _, _):
            "run `dubkit \(entity.listCommand) list --project P` to see what exists"
        case .mediaIO:
            "check the disk has room and the project folder is writable"
        case .storage:
            "check the disk has room; `PRAGMA integrity_check` on the file tells whether it is damaged"
        case let .dubFailed(id, project, _, _):
            "see `dubkit dub log --project \(project) \(id)`"
        case .budgetExceeded:
            "raise the budget (`dub run --budget N`), or leave the dub: it stays preprocessed, ready to run"
        case .trainingOverBudget:
            "raise the budget (`voice run --budget N` or `project budget`), or ask for fewer minutes (`--max-minutes`); nothing was paid"
        case let .datasetInvalid(dataset, provider, _):
            "fix the files named, or run `dubkit dataset prepare \(dataset) --provider \(provider)` and train from the prepared copy"
        case let .damagedRecord(record, _):
            record.entity == .voice
                ? "train the voice again, or import a good export of it under another name"
                : "it was written by another program or another DubKit: set \(record.field) to an allowed value "
                    + "(sqlite3 on the project's project.sqlite), or restore the project from a backup"
        case .claimedElsewhere:
            "wait for it to finish; if that process is gone from another machine, its claim is free once its lease ends"
        case .claimLost:
            "nothing to do: the runner holding the claim now carries the work on (`dub show` names it)"
        case let .outcomeUnknown(dub, project, _):
            "check the provider's account; to send it again (and possibly pay twice) run "
                + "`dubkit dub retry --project \(project) \(dub) --allow-repay`"
        case let .inUse(_, _, _, _, hint):
            hint
        case .shortAudio:
            "give a file whose audio covers its picture (pad the audio), or dub its audio alone: `dubkit media extract FILE -o audio.wav`"
        case .unusableInput:
            "give a readable audio or video file with an audio stream (`dubkit media probe FILE` lists its streams)"
        case let .unusableOutput(_, _, _, fix):
            fix
        case let .unknownVoice(voice, _, known):
            (known.isEmpty ? "" : "voices at hand: \(known.joined(separator: ", ")); ")
                + "`dubkit voice list --provider \(voice.split(separator: ":").first.map(String.init) ?? "ID")` lists a provider's voices, "
                + "`dubkit voice train` makes one"
        case let .notOffered(_, _, _, fix):
            fix
        case .sliceOutside:
            "give --start within the input and a --duration above 0 (seconds, or mm:ss)"
        }
    }
}

/// The kinds of entity the store keeps, as named in events and errors.
public enum EntityKind: String, Sendable, Codable, CaseIterable {
    case project, voice, dataset, dub, export

    var listCommand: String {
        switch self {
        case .project, .voice, .dataset, .dub: rawValue
        case .export: "dub"
        }
    }
}
