// CodeLocation: which loaded image an instruction address belongs to, for the pause
// harness's account of where a victim was interrupted (and whether that excuses it).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum CodeLocation {
    #if !canImport(Darwin)
    /// Names the mapped file containing `address` ("library+offset", the offset as addr2line
    /// takes it) from `/proc/self/maps`, and whether it is the C library, the loader or a
    /// sanitizer runtime.
    static func locate(_ address: UInt) -> (String, Bool) {
        for line in readWholeFile("/proc/self/maps").split(separator: "\n") {
            // "start-end perms offset dev inode   path"
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let range = fields.first?.split(separator: "-") ?? []
            guard fields.count >= 6, range.count == 2,
                let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
                let fileOffset = UInt(fields[2], radix: 16),
                (start..<end).contains(address)
            else { continue }
            let path = fields[5...].joined(separator: " ")
            let library = path.split(separator: "/").last.map(String.init) ?? path
            let system =
                library.hasPrefix("libc.so") || library.hasPrefix("ld-linux") || library.hasPrefix("libclang_rt")
            return ("\(library)+0x\(String(address - start + fileOffset, radix: 16))", system)
        }
        return ("unmapped 0x\(String(address, radix: 16))", false)
    }

    /// The contents of a (small, procfs) file as text; empty if it cannot be read.
    private static func readWholeFile(_ path: String) -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let length = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard length > 0 else { break }
            bytes.append(contentsOf: chunk[0..<length])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    #else
    /// Names the image containing `address` ("library+offset" from the image's load address),
    /// found with dladdr (<dlfcn.h>: `int dladdr(const void *, Dl_info *)`; Darwin has no
    /// /proc/self/maps), and whether it is a system library (libSystem's parts in
    /// /usr/lib/system, the loader /usr/lib/dyld) or a sanitizer runtime.
    static func locate(_ address: UInt) -> (String, Bool) {
        var info = Dl_info()
        guard let pointer = UnsafeRawPointer(bitPattern: address), dladdr(pointer, &info) != 0,
            let name = info.dli_fname, let base = info.dli_fbase
        else {
            return ("unmapped 0x\(String(address, radix: 16))", false)
        }
        let path = String(cString: name)
        let library = path.split(separator: "/").last.map(String.init) ?? path
        let system =
            path.hasPrefix("/usr/lib/system/") || path.hasPrefix("/usr/lib/dyld")
            || library.hasPrefix("libSystem") || library.hasPrefix("libclang_rt")
        return ("\(library)+0x\(String(address - UInt(bitPattern: base), radix: 16))", system)
    }
    #endif
}
