public import Foundation

/// Times as stores keep them.
public enum StoredTime {
    /// The current time at millisecond precision, so that what a write returns equals what a later
    /// read returns whichever engine stored it.
    public static func now() -> Date { rounded(Date()) }

    /// `date` at millisecond precision.
    public static func rounded(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    /// 64 random bits in hexadecimal: ids of tokens and credentials, which say nothing about their secrets.
    public static func randomRecordID() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
