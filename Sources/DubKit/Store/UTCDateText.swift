import Foundation
import GRDB

/// Dates as text in UTC without a formatter: the store's `yyyy-MM-dd HH:mm:ss.SSS` (what GRDB's
/// DateFormatter writes, ICU underneath) and the output's ISO 8601 `yyyy-MM-ddTHH:mm:ssZ` (what
/// `Date.ISO8601FormatStyle` writes).
/// Dates from 1970 to 9999 are written here; others go through the formatters themselves.
/// (The store's milliseconds are rounded, ISO 8601's seconds truncated, as those formatters do.)
enum UTCDateText {
    private static let lastMillisecond: Int64 = 253_402_300_800_000 // 10000-01-01

    /// The value GRDB stores for `date` (`date.databaseValue`), made without its DateFormatter when it can.
    static func storeValue(_ date: Date) -> DatabaseValue {
        store(date)?.databaseValue ?? date.databaseValue
    }

    /// The store's text for `date`, nil outside 1970...9999.
    static func store(_ date: Date) -> String? {
        // The arithmetic CoreFoundation does before handing the time to ICU, which rounds it to the
        // nearest millisecond (half up).
        let milliseconds = ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000).rounded()
        guard milliseconds >= 0, milliseconds < Double(lastMillisecond) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 23)
        bytes.withUnsafeMutableBufferPointer { buffer in
            write(milliseconds: Int64(milliseconds), dateSeparator: UInt8(ascii: " "), into: buffer)
            let fraction = Int(Int64(milliseconds) % 1000)
            buffer[19] = UInt8(ascii: ".")
            buffer[20] = digit(fraction / 100)
            writeTwoDigits(fraction % 100, at: 21, into: buffer)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the ISO 8601 text of `date` (quotes not included); false, appending nothing, outside 1970...9999.
    static func appendISO8601(_ date: Date, to output: inout [UInt8]) -> Bool {
        let seconds = date.timeIntervalSinceReferenceDate.rounded(.down) + 978_307_200
        guard seconds >= 0, seconds * 1000 < Double(lastMillisecond) else { return false }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: 20))
        output.withUnsafeMutableBufferPointer { buffer in
            let slice = UnsafeMutableBufferPointer(rebasing: buffer[start..<start + 20])
            write(milliseconds: Int64(seconds) * 1000, dateSeparator: UInt8(ascii: "T"), into: slice)
            slice[19] = UInt8(ascii: "Z")
        }
        return true
    }

    /// Writes `yyyy-MM-dd?HH:mm:ss` (19 bytes) for a time in milliseconds since 1970.
    private static func write(milliseconds: Int64, dateSeparator: UInt8, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let days = milliseconds / 86_400_000
        let secondOfDay = Int((milliseconds % 86_400_000) / 1000)
        // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shifted + 2) / 5 + 1)
        let month = Int(shifted < 10 ? shifted + 3 : shifted - 9)
        let year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        writeTwoDigits(year / 100, at: 0, into: buffer)
        writeTwoDigits(year % 100, at: 2, into: buffer)
        buffer[4] = UInt8(ascii: "-")
        writeTwoDigits(month, at: 5, into: buffer)
        buffer[7] = UInt8(ascii: "-")
        writeTwoDigits(day, at: 8, into: buffer)
        buffer[10] = dateSeparator
        writeTwoDigits(secondOfDay / 3600, at: 11, into: buffer)
        buffer[13] = UInt8(ascii: ":")
        writeTwoDigits(secondOfDay / 60 % 60, at: 14, into: buffer)
        buffer[16] = UInt8(ascii: ":")
        writeTwoDigits(secondOfDay % 60, at: 17, into: buffer)
    }

    /// Writes `value` (0...99) as two decimal digits at `index` and `index + 1`.
    private static func writeTwoDigits(_ value: Int, at index: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        buffer[index] = digit(value / 10)
        buffer[index + 1] = digit(value % 10)
    }

    private static func digit(_ value: Int) -> UInt8 {
        UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value)
    }
}
