#if canImport(Glibc)
import Glibc
#endif

/// The one-input callback libFuzzer calls: the bytes of one input, valid during the call.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

/// libFuzzer's entry point for programs that have their own `main` (SwiftPM makes the executable's
/// top-level code `main`, so libFuzzer's own `main` is not linked in).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzCallback) -> Int32

/// Runs libFuzzer with this process's arguments (`-max_total_time=…`, corpus folders, …) and exits with
/// its status.
public enum FuzzDriver {
    public static func run(_ callback: FuzzCallback) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
    }

    /// The input as a raw buffer (an empty input has no base address).
    @inline(__always)
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: size > 0 ? data : nil, count: size)
    }
}
