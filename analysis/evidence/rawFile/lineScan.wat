;; The fused scan's hot loop (see fusedScan.ts), in WebAssembly with 128-bit SIMD: 16 bytes at a
;; time, it finds the spaces and the bytes below 0x20 of a line, checks the line's shape, parses the
;; address fields the conversation test needs, and counts a line it proves to be a well-formed record
;; about other addresses. It stops at the first line it cannot prove, for the full parser to read.
;;
;; A line is proved exactly as fusedScan.ts states (and as the JavaScript loop it replaced did):
;; no byte below 0x20 but the newline or a CR right before it; `lastField + 1` non-empty fields
;; separated by single spaces; each address field a dotted quad without leading zeros (or `-` in a
;; pkt-* field that has srcaddr/dstaddr beside it); at most MAX_LINE_BYTES before the newline; and
;; no address hit on one side (strict) or on any side (loose, `--dst s3` with AWS service fields).
;;
;; Built by scripts/buildWasm.ts (WABT's wat2wasm) into dist/analysis/rawFile/lineScan.wasm.
(module
  ;; Fixed size, never grown, so a JavaScript view of the buffer stays valid.
  ;;   [0, 256)         the role of each field (fusedScan.ts Role), one byte each
  ;;   [1024, 65536)    inclusive IPv4 ranges of both sides, as (first, last) u32 pairs
  ;;   [65536, ...)     the block buffer: BLOCK_BYTES + 1, then at least 16 bytes that loads may read
  (memory (export "memory") 4 4)

  (global $lastField (mut i32) (i32.const 0))
  ;; The last field with a role; past it only the shape of the line is checked, a chunk at a time.
  (global $lastRoleField (mut i32) (i32.const 0))
  (global $loose (mut i32) (i32.const 0))
  (global $rangeCount (mut i32) (i32.const 0))
  ;; 0: every line goes to the full parser (a format or address list larger than the tables).
  (global $enabled (mut i32) (i32.const 0))
  ;; Lines proved unrelated since the caller last reset it.
  (global $unrelated (export "unrelated") (mut i32) (i32.const 0))
  ;; Why scan() returned: 0 the data ran out (an incomplete line, or none), 1 the line at the
  ;; returned position needs the full parser, 2 the line at the returned position is past the limit.
  (global $stopReason (export "stopReason") (mut i32) (i32.const 0))

  (func (export "configure") (param $lastField i32) (param $lastRoleField i32) (param $loose i32) (param $rangeCount i32) (param $enabled i32)
    (global.set $lastField (local.get $lastField))
    (global.set $lastRoleField (local.get $lastRoleField))
    (global.set $loose (local.get $loose))
    (global.set $rangeCount (local.get $rangeCount))
    (global.set $enabled (local.get $enabled)))

  ;; Dotted-quad IPv4 in [p, end) as an unsigned number, or -1: the same rules as ip.ts
  ;; parseIpv4Bytes (1 to 3 digits an octet, at most 255, no leading zero, exactly 3 dots). The
  ;; field's dots and digits come from one 16-byte load; each octet is then read without a branch.
  (func $parseIpv4 (param $p i32) (param $end i32) (result i64)
    (local $length i32) (local $mask i32) (local $v v128) (local $dots i32) (local $digits i32)
    (local $start i32) (local $dot i32) (local $octetLength i32) (local $d0 i32) (local $two i32)
    (local $octet i32) (local $value i32) (local $bad i32)
    (local.set $length (i32.sub (local.get $end) (local.get $p)))
    ;; 0.0.0.0 to 255.255.255.255
    (if (i32.gt_u (i32.sub (local.get $length) (i32.const 7)) (i32.const 8))
      (then (return (i64.const -1))))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $length)) (i32.const 1)))
    (local.set $v (v128.load (local.get $p)))
    (local.set $dots (i32.and (local.get $mask)
      (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 46 46 46 46 46 46 46 46 46 46 46 46 46 46 46 46)))))
    (local.set $digits (i32.and (local.get $mask)
      (i8x16.bitmask (i8x16.lt_u
        (i8x16.sub (local.get $v) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))
        (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)))))
    (if (i32.or (i32.ne (i32.or (local.get $dots) (local.get $digits)) (local.get $mask))
                (i32.ne (i32.popcnt (local.get $dots)) (i32.const 3)))
      (then (return (i64.const -1))))
    ;; The field's end closes the fourth octet as the dots close the others.
    (local.set $dots (i32.or (local.get $dots) (i32.shl (i32.const 1) (local.get $length))))
    (local.set $start (local.get $p))
    (loop $octets
      (local.set $dot (i32.add (local.get $p) (i32.ctz (local.get $dots))))
      (local.set $dots (i32.and (local.get $dots) (i32.sub (local.get $dots) (i32.const 1))))
      (local.set $octetLength (i32.sub (local.get $dot) (local.get $start)))
      ;; Digits past the octet's end are read too, and not used.
      (local.set $d0 (i32.sub (i32.load8_u (local.get $start)) (i32.const 48)))
      (local.set $two (i32.add (i32.mul (local.get $d0) (i32.const 10)) (i32.sub (i32.load8_u offset=1 (local.get $start)) (i32.const 48))))
      (local.set $octet
        (select (local.get $d0)
          (select (local.get $two)
            (i32.add (i32.mul (local.get $two) (i32.const 10)) (i32.sub (i32.load8_u offset=2 (local.get $start)) (i32.const 48)))
            (i32.eq (local.get $octetLength) (i32.const 2)))
          (i32.eq (local.get $octetLength) (i32.const 1))))
      ;; 1 to 3 digits, no leading zero, at most 255.
      (local.set $bad (i32.or (local.get $bad) (i32.or
        (i32.gt_u (i32.sub (local.get $octetLength) (i32.const 1)) (i32.const 2))
        (i32.or
          (i32.and (i32.gt_u (local.get $octetLength) (i32.const 1)) (i32.eqz (local.get $d0)))
          (i32.gt_u (local.get $octet) (i32.const 255))))))
      (local.set $value (i32.or (i32.shl (local.get $value) (i32.const 8)) (local.get $octet)))
      (local.set $start (i32.add (local.get $dot) (i32.const 1)))
      (br_if $octets (local.get $dots)))
    (if (local.get $bad) (then (return (i64.const -1))))
    (i64.extend_i32_u (local.get $value)))

  ;; 1 when the address is in one of the ranges.
  (func $inRanges (param $address i32) (result i32)
    (local $r i32) (local $end i32)
    (local.set $r (i32.const 1024))
    (local.set $end (i32.add (i32.const 1024) (i32.shl (global.get $rangeCount) (i32.const 3))))
    (block $none
      (loop $ranges
        (br_if $none (i32.ge_u (local.get $r) (local.get $end)))
        (if (i32.and (i32.ge_u (local.get $address) (i32.load (local.get $r)))
                     (i32.le_u (local.get $address) (i32.load offset=4 (local.get $r))))
          (then (return (i32.const 1))))
        (local.set $r (i32.add (local.get $r) (i32.const 8)))
        (br $ranges)))
    (i32.const 0))

  ;; Scans the lines of memory[pos, end) and returns where it stopped (see $stopReason). Lines that
  ;; start at or past `limit` belong to another range.
  (func (export "scan") (param $pos i32) (param $end i32) (param $limit i32) (result i32)
    (local $lineStart i32) (local $p i32) (local $field i32) (local $fieldStart i32) (local $hits i32)
    (local $bulk i32) (local $lastSep i32) (local $v v128) (local $ctl i32) (local $sp i32) (local $ends i32)
    (local $t i32) (local $newline i32) (local $complete i32) (local $b i32) (local $fieldEnd i32)
    (local $isEnd i32) (local $role i32) (local $address i64) (local $seps i32) (local $carry i32)
    (block $slow
      (loop $lines
        (if (i32.ge_s (local.get $pos) (local.get $end))
          (then (global.set $stopReason (i32.const 0)) (return (local.get $pos))))
        (if (i32.ge_s (local.get $pos) (local.get $limit))
          (then (global.set $stopReason (i32.const 2)) (return (local.get $pos))))
        (local.set $lineStart (local.get $pos))
        (br_if $slow (i32.eqz (global.get $enabled)))
        (local.set $p (local.get $pos))
        (local.set $field (i32.const 0))
        (local.set $fieldStart (local.get $pos))
        (local.set $hits (i32.const 0))
        (local.set $bulk (i32.lt_s (global.get $lastRoleField) (i32.const 0)))
        (local.set $lastSep (i32.sub (local.get $pos) (i32.const 1)))
        (loop $chunks
          (if (i32.ge_s (local.get $p) (local.get $end))
            (then (global.set $stopReason (i32.const 0)) (return (local.get $lineStart))))
          (local.set $v (v128.load (local.get $p)))
          (local.set $ctl (i8x16.bitmask (i8x16.lt_u (local.get $v) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32))))
          (local.set $sp (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32))))
          ;; Bytes at and past `end` are left over from an earlier fill.
          (if (i32.lt_s (i32.sub (local.get $end) (local.get $p)) (i32.const 16))
            (then
              (local.set $t (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $p))) (i32.const 1)))
              (local.set $ctl (i32.and (local.get $ctl) (local.get $t)))
              (local.set $sp (i32.and (local.get $sp) (local.get $t)))))
          (local.set $complete (i32.const 0))
          (local.set $ends (local.get $sp))
          (if (local.get $ctl)
            (then
              ;; The first byte below 0x20 must end the line: LF, or CR LF.
              (local.set $t (i32.ctz (local.get $ctl)))
              (local.set $newline (i32.add (local.get $p) (local.get $t)))
              (if (i32.ne (i32.load8_u (local.get $newline)) (i32.const 10))
                (then
                  (br_if $slow (i32.ne (i32.load8_u (local.get $newline)) (i32.const 13)))
                  (br_if $slow (i32.ge_s (i32.add (local.get $newline) (i32.const 1)) (local.get $end)))
                  (br_if $slow (i32.ne (i32.load8_u offset=1 (local.get $newline)) (i32.const 10)))
                  (local.set $newline (i32.add (local.get $newline) (i32.const 1)))))
              (br_if $slow (i32.gt_s (i32.sub (local.get $newline) (local.get $lineStart)) (i32.const 65536)))
              (local.set $complete (i32.const 1))
              ;; Spaces before the line's end, and the end itself as the last field's end.
              (local.set $ends (i32.or
                (i32.and (local.get $sp) (i32.sub (i32.shl (i32.const 1) (local.get $t)) (i32.const 1)))
                (i32.shl (i32.const 1) (local.get $t))))))
          ;; Field by field up to the last address field.
          (if (i32.eqz (local.get $bulk))
            (then
              (block $toBulk
                (loop $bits
                  (br_if $toBulk (i32.eqz (local.get $ends)))
                  (local.set $b (i32.ctz (local.get $ends)))
                  (local.set $ends (i32.and (local.get $ends) (i32.sub (local.get $ends) (i32.const 1))))
                  (local.set $fieldEnd (i32.add (local.get $p) (local.get $b)))
                  (br_if $slow (i32.eq (local.get $fieldEnd) (local.get $fieldStart)))
                  (local.set $isEnd (i32.and (local.get $complete) (i32.eqz (local.get $ends))))
                  ;; The line's end must close the last field, and a space must not follow it.
                  (br_if $slow (i32.eq (local.get $isEnd) (i32.ne (local.get $field) (global.get $lastField))))
                  (local.set $role (i32.load8_u (local.get $field)))
                  (if (local.get $role)
                    (then
                      (local.set $address (call $parseIpv4 (local.get $fieldStart) (local.get $fieldEnd)))
                      (if (i64.lt_s (local.get $address) (i64.const 0))
                        (then
                          ;; `-` ("does not apply") only in a field beside srcaddr/dstaddr (roles 2 and 4).
                          (br_if $slow (i32.ne (i32.sub (local.get $fieldEnd) (local.get $fieldStart)) (i32.const 1)))
                          (br_if $slow (i32.ne (i32.load8_u (local.get $fieldStart)) (i32.const 45)))
                          (br_if $slow (i32.and (local.get $role) (i32.const 1))))
                        (else
                          (if (call $inRanges (i32.wrap_i64 (local.get $address)))
                            (then
                              (local.set $hits (i32.or (local.get $hits)
                                (select (i32.const 1) (i32.const 2) (i32.le_u (local.get $role) (i32.const 2)))))))))))
                  (if (local.get $isEnd) (then (br $toBulk)))
                  (local.set $lastSep (local.get $fieldEnd))
                  (local.set $fieldStart (i32.add (local.get $fieldEnd) (i32.const 1)))
                  (local.set $field (i32.add (local.get $field) (i32.const 1)))
                  (if (i32.gt_s (local.get $field) (global.get $lastRoleField))
                    (then (local.set $bulk (i32.const 1)) (br $toBulk)))
                  (br $bits)))))
          ;; Past the address fields: the separators left in this chunk at once. A separator right
          ;; after the one before it (or the line's end right after one) is an empty field.
          (if (local.get $bulk)
            (then
              (local.set $seps (local.get $ends))
              (local.set $carry (i32.eq (local.get $lastSep) (i32.sub (local.get $p) (i32.const 1))))
              (if (i32.ge_s (local.get $lastSep) (local.get $p))
                (then (local.set $seps (i32.or (local.get $seps) (i32.shl (i32.const 1) (i32.sub (local.get $lastSep) (local.get $p)))))))
              (br_if $slow (i32.and (local.get $seps) (i32.or (i32.shl (local.get $seps) (i32.const 1)) (local.get $carry))))
              (if (local.get $ends)
                (then
                  (local.set $lastSep (i32.sub (i32.add (local.get $p) (i32.const 31)) (i32.clz (local.get $ends))))
                  (local.set $field (i32.add (local.get $field) (i32.popcnt (local.get $ends))))))
              ;; The line's end was counted as a separator: a whole line has lastField + 1 of them.
              (br_if $slow (i32.and (local.get $complete)
                (i32.ne (local.get $field) (i32.add (global.get $lastField) (i32.const 1)))))))
          (if (i32.eqz (local.get $complete))
            (then
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (br $chunks))))
        ;; A whole, well-formed line: unrelated unless both sides (loose: either side) are hit.
        (br_if $slow (if (result i32) (global.get $loose)
          (then (i32.ne (local.get $hits) (i32.const 0)))
          (else (i32.eq (local.get $hits) (i32.const 3)))))
        (global.set $unrelated (i32.add (global.get $unrelated) (i32.const 1)))
        (local.set $pos (i32.add (local.get $newline) (i32.const 1)))
        (br $lines)))
    (global.set $stopReason (i32.const 1))
    (local.get $lineStart))
)
