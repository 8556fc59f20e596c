// SignalAction: sigaction(2) across platforms. The handler sits in a union whose Swift name
// differs: glibc and musl `sigaction.__sigaction_handler.{sa_handler, sa_sigaction}`, Darwin
// `sigaction.__sigaction_u.{__sa_handler, __sa_sigaction}` (<sys/signal.h>).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum SignalAction {
    /// A three-argument (SA_SIGINFO) handler: signal number, siginfo, the interrupted ucontext.
    typealias InfoHandler = @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void
    /// A one-argument handler.
    typealias PlainHandler = @convention(c) (Int32) -> Void

    /// Installs `handler` for `signal` with SA_SIGINFO | `flags` and an empty mask; true on success.
    static func install(_ signal: Int32, flags: Int32, infoHandler handler: InfoHandler) -> Bool {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_sigaction = handler
        #else
        action.__sigaction_handler.sa_sigaction = handler
        #endif
        action.sa_flags = SA_SIGINFO | flags
        sigemptyset(&action.sa_mask)
        return sigaction(signal, &action, nil) == 0
    }

    /// Installs `handler` for `signal` with `flags` and an empty mask; true on success.
    static func install(_ signal: Int32, flags: Int32, plainHandler handler: PlainHandler) -> Bool {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = handler
        #else
        action.__sigaction_handler = .init(sa_handler: handler)
        #endif
        action.sa_flags = flags
        sigemptyset(&action.sa_mask)
        return sigaction(signal, &action, nil) == 0
    }

    /// The instruction address at which a signal interrupted its thread, from the handler's
    /// ucontext (0 where this platform's layout is not known). Async-signal-safe: reads only.
    @inline(__always)
    static func interruptedAddress(_ context: UnsafeMutableRawPointer) -> Int {
        let ucontext = context.assumingMemoryBound(to: ucontext_t.self)
        #if os(Linux) && arch(x86_64)
        // glibc <sys/ucontext.h>: gregs[REG_RIP], REG_RIP == 16.
        return Int(ucontext.pointee.uc_mcontext.gregs.16)
        #elseif os(Linux) && arch(arm64)
        // glibc <sys/ucontext.h> (aarch64): mcontext_t { fault_address; regs[31]; sp; pc; ... }.
        return Int(bitPattern: UInt(ucontext.pointee.uc_mcontext.pc))
        #elseif canImport(Darwin) && arch(x86_64)
        // <sys/_types/_ucontext.h>: uc_mcontext is a pointer to __darwin_mcontext64, whose
        // __ss (<mach/i386/_structs.h>, _STRUCT_X86_THREAD_STATE64) holds __rip.
        return Int(bitPattern: UInt(ucontext.pointee.uc_mcontext.pointee.__ss.__rip))
        #elseif canImport(Darwin) && arch(arm64)
        // <mach/arm/_structs.h>, _STRUCT_ARM_THREAD_STATE64 (not opaque on arm64): __pc.
        return Int(bitPattern: UInt(ucontext.pointee.uc_mcontext.pointee.__ss.__pc))
        #else
        return 0
        #endif
    }
}
