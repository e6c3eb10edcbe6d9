import Foundation

/// What a synchronous adapter has written so far of its answers: the `<job>/result.part` files of its
/// state folder.
public enum PartialResults {
    /// Bytes in all the partial answer files under `folder` (0 when there are none).
    public static func bytes(in folder: URL) -> Int {
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return jobs.reduce(0) { total, job in
            let part = folder.appendingPathComponent(job).appendingPathComponent("result.part")
            return total + (((try? FileManager.default.attributesOfItem(atPath: part.path))?[.size] as? NSNumber)?.intValue ?? 0)
        }
    }
}
