import Foundation

/// One-line descriptions of operating-system and Foundation errors, so that no raw
/// `NSCocoaErrorDomain … UserInfo=…` text ever reaches the user.
package enum SystemError {
    /// The C library's text for `code` (`No such file or directory`).
    package static func text(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// `error` as one line: a `MakemoreError`'s message, the POSIX reason behind a Foundation
    /// error, or the error's localized description with line breaks folded.
    package static func describe(_ error: any Error) -> String {
        if let error = error as? MakemoreError { return error.description }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return text(Int32(underlying.code))
        }
        if nsError.domain == NSPOSIXErrorDomain { return text(Int32(nsError.code)) }
        switch (nsError.domain, nsError.code) {
        case (NSCocoaErrorDomain, NSFileWriteFileExistsError): return "the file already exists"
        case (NSCocoaErrorDomain, NSFileNoSuchFileError), (NSCocoaErrorDomain, NSFileReadNoSuchFileError): return "no such file"
        case (NSCocoaErrorDomain, NSFileWriteNoPermissionError), (NSCocoaErrorDomain, NSFileReadNoPermissionError): return "permission denied"
        case (NSCocoaErrorDomain, NSFileWriteOutOfSpaceError): return "no space left on the device"
        default: break
        }
        let lines = nsError.localizedDescription.split(whereSeparator: \.isNewline)
        return lines.first.map(String.init) ?? "unknown error"
    }
}
