#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Transparent huge pages as the kernel reports them for this process (/proc/self/smaps),
// for the test that a dense table is backed by them. Linux only.

/// The kernel's view of this process's transparent huge pages, for `HugePageTests`.
package enum HugePageProbe {
    package static let hugePage = 2 << 20
    package static var basePage: Int { Int(getpagesize()) }

    /// Whether transparent huge pages are on and a fresh advised, touched 2 MiB region gets one.
    package static func kernelGivesHugePages() -> Bool {
        guard let mode = readWholeFile("/sys/kernel/mm/transparent_hugepage/enabled"),
            mode.contains("[always]") || mode.contains("[madvise]")
        else { return false }
        let size = 2 * hugePage
        guard let raw = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED
        else { return false }
        defer { munmap(raw, size) }
        let start = (UInt(bitPattern: raw) + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
        let region = UnsafeMutableRawPointer(bitPattern: start)!
        _ = madvise(region, hugePage, Int32(MADV_HUGEPAGE))
        region.storeBytes(of: 1, as: UInt8.self)
        guard let area = mapping(containing: start) else { return false }
        return area.anonHugeBytes >= hugePage
    }

    /// A file read to its end with read(2): procfs files report a size of 0, and
    /// Foundation's `String(contentsOfFile:)` did not return the whole of /proc/self/smaps.
    package static func readWholeFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The mapping of this process that contains `address`, from /proc/self/smaps.
    package static func mapping(containing address: UInt) -> (start: UInt, end: UInt, anonHugeBytes: Int)? {
        guard let smaps = readWholeFile("/proc/self/smaps") else { return nil }
        var found: (start: UInt, end: UInt)?
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-"), !first.hasSuffix(":") {
                let bounds = first.split(separator: "-")
                guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16)
                else { continue }
                if found != nil { return nil }  // the mapping ended without the field
                if start <= address && address < end { found = (start, end) }
            } else if let area = found, first == "AnonHugePages:", fields.count >= 2, let kib = Int(fields[1]) {
                return (area.start, area.end, kib * 1024)
            }
        }
        return nil
    }
}
#endif
