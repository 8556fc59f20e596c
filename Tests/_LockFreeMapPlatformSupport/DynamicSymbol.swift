#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Looks symbols up in the process's global scope (`dlsym(RTLD_DEFAULT, name)`).
package enum DynamicSymbol {
    /// The address of `name` in any image loaded in the process, or nil if none defines it.
    package static func address(of name: String) -> UnsafeMutableRawPointer? {
        dlsym(defaultHandle, name)
    }

    /// RTLD_DEFAULT, which Swift does not import on either platform: glibc defines it as
    /// `((void *) 0)` and Darwin as `((void *) -2)`, pointer casts the macro importer skips.
    private static var defaultHandle: UnsafeMutableRawPointer? {
        #if canImport(Darwin)
        UnsafeMutableRawPointer(bitPattern: -2)
        #else
        nil
        #endif
    }
}
