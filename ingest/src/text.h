// UTF-8 text helpers for ingest: validation, NFC, simple case folding, line handling.
// All take and return UTF-8; ICU's UTF-16 stays inside the functions that need it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsflow/common/result.h"

namespace newsflow::ingest {

// Byte offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates - so CESU-8 is rejected - nothing above U+10FFFF); nullopt when all is valid.
std::optional<size_t> FindInvalidUtf8(std::string_view s);
// Byte offset of the first C0 control other than TAB, LF, CR (NUL included), or of DEL.
std::optional<size_t> FindControlCharacter(std::string_view s);
// Unicode NFC of valid UTF-8. Internal on an ICU failure (not expected for valid input).
Result<std::string> ToNfc(std::string_view s);
// Simple (1:1 code point) case folding: "Ngày ĐĂNG" -> "ngày đăng". Length may change in bytes.
std::string FoldCase(std::string_view s);

// Decodes the code point at `*i` and advances `*i`; assumes valid UTF-8.
char32_t NextCodePoint(std::string_view s, size_t* i);
void AppendUtf8(char32_t cp, std::string* out);

// Lines without their terminator (LF, or CR LF).
std::vector<std::string_view> SplitLines(std::string_view s);
// Trims Unicode white space (incl. NBSP) and invisible format characters (BOM, zero-width space
// and joiners, bidi marks and isolates) at both ends.
std::string_view Trim(std::string_view s);
// Words: maximal runs of letters, digits and combining marks (apostrophes do not split).
std::vector<std::string_view> Words(std::string_view s);
// Number of code points.
size_t CodePointCount(std::string_view s);

// If `line` starts with `folded_prefix` under simple case folding, the number of bytes of `line`
// it covers; the match must end at a word boundary.
std::optional<size_t> MatchFoldedPrefix(std::string_view line, std::string_view folded_prefix);

// Arabic-Indic and Eastern Arabic-Indic digits (U+0660.., U+06F0..) replaced by ASCII digits.
std::string AsciiDigits(std::string_view s);

}  // namespace newsflow::ingest
