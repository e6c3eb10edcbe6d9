import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("Workspace and project names")
struct WorkspaceTests {
    @Test("names that would leave the workspace or misbehave as folder names are refused",
          arguments: ["", ".", "..", "../x", "a/b", "/etc", "/tmp/x", "~root", "a\\b", ".hidden", "-rf",
                      "tab\there", "nl\nx", "bell\u{7}", "sp ace", "é", String(repeating: "a", count: 65)])
    func refusesBadNames(name: String) throws {
        #expect(throws: DubKitError.self) { try ProjectName(name) }
        let dir = try TemporaryDirectory()
        let workspace = Workspace(root: dir.path("ws"))
        #expect(throws: DubKitError.self) { try workspace.createProject(name) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).allSatisfy { $0 == "ws" })
    }

    @Test("ordinary names are accepted", arguments: ["demo", "Demo-2", "my_project", "v1.2", String(repeating: "a", count: 64)])
    func acceptsGoodNames(name: String) throws {
        #expect(try ProjectName(name).rawValue == name)
    }

    @Test("the workspace is --workspace, else DUBKIT_WORKSPACE, else ./projects")
    func resolution() {
        let cwd = URL(fileURLWithPath: "/work/here")
        #expect(Workspace.resolve(explicit: "/a", environment: ["DUBKIT_WORKSPACE": "/b"], currentDirectory: cwd).root.path == "/a")
        #expect(Workspace.resolve(explicit: nil, environment: ["DUBKIT_WORKSPACE": "/b"], currentDirectory: cwd).root.path == "/b")
        #expect(Workspace.resolve(explicit: nil, environment: [:], currentDirectory: cwd).root.path == "/work/here/projects")
        #expect(Workspace.resolve(explicit: "rel", environment: [:], currentDirectory: cwd).root.path == "/work/here/rel")
    }

    @Test("create, list, delete; a second create of the same name is refused; no staging folders remain")
    func lifecycleOfProjects() throws {
        let dir = try TemporaryDirectory()
        let workspace = Workspace(root: dir.url)
        _ = try workspace.createProject("one")
        _ = try workspace.createProject("two")
        #expect(throws: DubKitError.projectExists(name: "one", workspace: dir.url.standardizedFileURL.path)) {
            try workspace.createProject("one")
        }
        #expect(try workspace.projectNames() == ["one", "two"])
        try workspace.deleteProject("one")
        #expect(try workspace.projectNames() == ["two"])
        #expect(throws: DubKitError.self) { try workspace.openProject("one") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() == ["two"])
    }

    @Test("a folder without a store is reported as not a project, not silently made one")
    func foreignFolder() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: dir.path("stray"), withIntermediateDirectories: true)
        #expect(throws: DubKitError.notAProject(path: dir.path("stray").standardizedFileURL.path)) {
            try Workspace(root: dir.url).openProject("stray")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("stray/project.sqlite").path))
    }
}
