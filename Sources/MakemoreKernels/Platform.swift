#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif
import Foundation

/// Everything that differs between operating systems, in one place: each function has a Darwin
/// branch (macOS, from Apple's headers and man pages) beside the Glibc one (Linux). The rest of
/// the package calls these and POSIX functions that are the same on both (`open`, `rename`,
/// `getppid`, `signal`, `pthread_sigmask`, …), so porting to a new system means reading this file.
package enum Platform {
    /// Whether signal `number` has its default action: no handler installed and not ignored.
    ///
    /// `struct sigaction` keeps the handler in a union whose C names differ: Glibc's
    /// `__sigaction_handler.sa_handler`, Darwin's `__sigaction_u.__sa_handler` (sigaction(2)).
    /// `SIG_DFL` is the null handler on both.
    package static func signalHasDefaultAction(_ number: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(number, nil, &current) == 0 else { return false }
        #if canImport(Darwin)
        return current.__sigaction_u.__sa_handler == nil
        #else
        return current.__sigaction_handler.sa_handler == nil
        #endif
    }

    /// A thread-specific key whose value, a buffer from `UnsafeMutableRawPointer.allocate`, is
    /// deallocated when its thread exits. The destructor's parameter is `void *` on both, but
    /// Darwin's header marks it non-null (Swift sees `UnsafeMutableRawPointer`) where Glibc's
    /// does not (`UnsafeMutableRawPointer?`); neither calls it for a null value.
    package static func makeThreadKeyDeallocatingValues() -> pthread_key_t {
        var key = pthread_key_t()
        #if canImport(Darwin)
        let status = pthread_key_create(&key) { buffer in buffer.deallocate() }
        #else
        let status = pthread_key_create(&key) { buffer in buffer?.deallocate() }
        #endif
        precondition(status == 0, "pthread_key_create failed")
        return key
    }

    /// The number of processors this process may run on, where the system says so (Linux: the
    /// `Cpus_allowed` hex mask of /proc/self/status, so `taskset -c 0` gives 1); nil elsewhere
    /// (macOS has no affinity masks: every active processor counts).
    package static var allowedProcessors: Int? {
        #if os(Linux)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
        else { return nil }
        let digits = line.dropFirst("Cpus_allowed:".count).filter { $0 != "," && !$0.isWhitespace }
        var count = 0
        for digit in digits {
            guard let value = digit.hexDigitValue else { return nil }
            count += value.nonzeroBitCount
        }
        return count > 0 ? count : nil
        #else
        return nil
        #endif
    }

    /// Whether the processor has AVX-512 (its foundation instructions, `avx512f`): Linux reads
    /// the flags of /proc/cpuinfo, Darwin the `hw.optional.avx512f` sysctl; false where neither
    /// says so (other processors, or the file unreadable).
    package static var hasAVX512: Bool {
        #if os(Linux)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return false }
        return flags.split(separator: " ").contains("avx512f")
        #elseif canImport(Darwin)
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return sysctlbyname("hw.optional.avx512f", &value, &size, nil, 0) == 0 && value != 0
        #else
        return false
        #endif
    }

    /// The memory limit of this process's control group in bytes (Linux: v2 `memory.max`, v1
    /// `memory.limit_in_bytes`), or nil where there is none (no limit, or macOS).
    package static var controlGroupMemoryLimit: Double? {
        #if os(Linux)
        var limits: [Double] = []
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
               let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes > 0 {
                limits.append(bytes)
            }
        }
        return limits.min()
        #else
        return nil
        #endif
    }
}
