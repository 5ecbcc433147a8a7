#!/usr/bin/env python3
"""arrow_check.py: an independent Arrow check of one Tandem transform plugin.

A minimal Tandem host written from SDK/include/tandem_plugin.h and
SDK/docs/plugin-abi.md alone, with no Tandem code: Python 3.11, the standard
library, ctypes and pyarrow. It loads ONE plugin library, builds Arrow record
batches with pyarrow, hands them to the plugin's transforms through the Arrow
C Data Interface and reads the results back with pyarrow.

    python3 arrow_check.py JOB.json

JOB.json:

    {"plugin": "/abs/path/libX.so",          # relative: to JOB.json's folder
     "config": {},                           # plugin init config, optional
     "cases": [
       {"transform": "tandem.std.value-map",
        "config": {"map": {"no": "0"}},      # optional, "{}" when absent
        "input": {"columns": [{"name": "v", "format": "u", "nullable": true}],
                  "rows": [["no"], [null]]}}]}

Prints one JSON document on stdout and exits 0:

    {"plugin": {"id": ..., "version": ...},
     "cases": [{"transform": ..., "columns": [{"name", "type", "format",
                "nullable"}], "rows": [[...], ...]}
               | {"transform": ..., "error": message, "code": n, "stage": s}]}

"type" is str() of the pyarrow type; "format" is the Arrow C format string
the plugin exported. A plugin-reported error (non-OK status with a
tandem_error) is a case result, not a failure. Anything else (bad job file,
ABI violation, malformed Arrow data, a plugin releasing a borrowed input)
prints "arrow_check: ..." on stderr and exits 1.

Value encoding, in rows of the job and of the output (plugin-abi.md): null;
true/false for b; integers for l and timestamps (in the column's unit);
numbers for g ("NaN", "Infinity", "-Infinity" as strings, since JSON has
none); strings for u; base64 strings for z; exact decimal strings for d:P,S
(output always has exactly S fraction digits, e.g. "12.3400000000", never an
exponent); "YYYY-MM-DD" for tdD. Decimals never pass through float: they are
built from and read back as 128-bit two's complement integers.
"""

import base64
import ctypes
import datetime
import decimal
import json
import math
import os
import re
import sys

import pyarrow as pa

# ---------------------------------------------------------------------------
# Failures
# ---------------------------------------------------------------------------


class CheckFailure(Exception):
    """A failure of the job, the plugin's ABI conduct or its Arrow data."""


def fail(message):
    raise CheckFailure(message)


# ---------------------------------------------------------------------------
# ctypes mirror of tandem_plugin.h (field for field, same order)
# ---------------------------------------------------------------------------

c_size_t = ctypes.c_size_t
c_int32 = ctypes.c_int32
c_uint32 = ctypes.c_uint32
c_int64 = ctypes.c_int64
c_void_p = ctypes.c_void_p
c_char_p = ctypes.c_char_p
POINTER = ctypes.POINTER
CFUNCTYPE = ctypes.CFUNCTYPE


class ArrowSchema(ctypes.Structure):
    pass


ArrowSchemaReleaseFn = CFUNCTYPE(None, POINTER(ArrowSchema))
ArrowSchema._fields_ = [
    ("format", c_void_p),  # const char *
    ("name", c_void_p),  # const char *
    ("metadata", c_void_p),  # const char * (binary, length-prefixed)
    ("flags", c_int64),
    ("n_children", c_int64),
    ("children", POINTER(POINTER(ArrowSchema))),
    ("dictionary", POINTER(ArrowSchema)),
    ("release", ArrowSchemaReleaseFn),
    ("private_data", c_void_p),
]


class ArrowArray(ctypes.Structure):
    pass


ArrowArrayReleaseFn = CFUNCTYPE(None, POINTER(ArrowArray))
ArrowArray._fields_ = [
    ("length", c_int64),
    ("null_count", c_int64),
    ("offset", c_int64),
    ("n_buffers", c_int64),
    ("n_children", c_int64),
    ("buffers", POINTER(c_void_p)),
    ("children", POINTER(POINTER(ArrowArray))),
    ("dictionary", POINTER(ArrowArray)),
    ("release", ArrowArrayReleaseFn),
    ("private_data", c_void_p),
]

ARROW_FLAG_NULLABLE = 2

TANDEM_OK = 0
STATUS_NAMES = {
    1: "TANDEM_ERROR_INVALID_ARGUMENT",
    2: "TANDEM_ERROR_INVALID_CONFIG",
    3: "TANDEM_ERROR_INVALID_DATA",
    4: "TANDEM_ERROR_UNSUPPORTED",
    5: "TANDEM_ERROR_INTERNAL",
}


class TandemError(ctypes.Structure):
    pass


TandemErrorReleaseFn = CFUNCTYPE(None, POINTER(TandemError))
TandemError._fields_ = [
    ("struct_size", c_size_t),
    ("code", c_int32),
    ("message", c_void_p),  # const char *, plugin-owned
    ("release", TandemErrorReleaseFn),
    ("private_data", c_void_p),
]

LOG_LEVELS = {0: "TRACE", 1: "DEBUG", 2: "INFO", 3: "WARNING", 4: "ERROR"}


class TandemHost(ctypes.Structure):
    pass


HostLogFn = CFUNCTYPE(None, POINTER(TandemHost), c_int32, c_void_p)
HostAllocateFn = CFUNCTYPE(c_void_p, POINTER(TandemHost), c_size_t)
HostFreeFn = CFUNCTYPE(None, POINTER(TandemHost), c_void_p)
HostGetExtensionFn = CFUNCTYPE(c_void_p, POINTER(TandemHost), c_char_p)
TandemHost._fields_ = [
    ("struct_size", c_size_t),
    ("abi_major", c_uint32),
    ("abi_minor", c_uint32),
    ("host_name", c_char_p),
    ("host_version", c_char_p),
    ("host_data", c_void_p),
    ("log", HostLogFn),
    ("allocate", HostAllocateFn),
    ("free", HostFreeFn),
    ("get_extension", HostGetExtensionFn),
]


class TandemProcessor(ctypes.Structure):
    pass


GetOutputSchemaFn = CFUNCTYPE(c_int32, POINTER(TandemProcessor), POINTER(ArrowSchema),
                              POINTER(TandemError))
ProcessFn = CFUNCTYPE(c_int32, POINTER(TandemProcessor), POINTER(ArrowArray),
                      POINTER(ArrowArray), POINTER(TandemError))
ProcessorReleaseFn = CFUNCTYPE(None, POINTER(TandemProcessor))
TandemProcessor._fields_ = [
    ("struct_size", c_size_t),
    ("private_data", c_void_p),
    ("get_output_schema", GetOutputSchemaFn),
    ("process", ProcessFn),
    ("release", ProcessorReleaseFn),
]

JsonGetterFn = CFUNCTYPE(c_void_p)  # const char *(*)(void)
CreateMapperFn = CFUNCTYPE(c_int32, c_char_p, c_int32, c_char_p, POINTER(ArrowSchema),
                           POINTER(POINTER(TandemProcessor)), POINTER(TandemError))


class TandemMapProvider(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("maps_json", JsonGetterFn),
        ("ddl_json", JsonGetterFn),
        ("create_mapper", CreateMapperFn),
    ]


CreateTransformFn = CFUNCTYPE(c_int32, c_char_p, c_char_p, POINTER(ArrowSchema),
                              POINTER(POINTER(TandemProcessor)), POINTER(TandemError))


class TandemTransformProvider(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("transforms_json", JsonGetterFn),
        ("create_transform", CreateTransformFn),
    ]


PluginInitFn = CFUNCTYPE(c_int32, POINTER(TandemHost), c_char_p, POINTER(TandemError))
PluginShutdownFn = CFUNCTYPE(None)
PluginGetExtensionFn = CFUNCTYPE(c_void_p, c_char_p)

TANDEM_KIND_TABLE_MAP = 1
TANDEM_KIND_TRANSFORM = 2


class TandemPluginDescriptor(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_size_t),
        ("abi_major", c_uint32),
        ("abi_minor", c_uint32),
        ("id", c_void_p),
        ("version", c_void_p),
        ("name", c_void_p),
        ("description", c_void_p),
        ("kinds", c_uint32),
        ("init", PluginInitFn),
        ("shutdown", PluginShutdownFn),
        ("get_extension", PluginGetExtensionFn),
        ("map_provider", POINTER(TandemMapProvider)),
        ("transform_provider", POINTER(TandemTransformProvider)),
    ]


EntryV1Fn = CFUNCTYPE(POINTER(TandemPluginDescriptor), c_uint32, c_uint32)

HOST_ABI_MAJOR = 1
HOST_ABI_MINOR = 0


def c_string(address, what):
    """Reads a NUL-terminated UTF-8 string at `address`; fails on NULL or bad UTF-8."""
    if not address:
        fail(f"{what} is NULL")
    raw = ctypes.string_at(address)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"{what} is not valid UTF-8 ({e}): {raw!r}")


def struct_at(address, cls, what):
    """Views plugin memory at `address` as `cls` after checking its struct_size."""
    if not address:
        fail(f"{what} is NULL")
    size = c_size_t.from_address(address).value
    if size < ctypes.sizeof(cls):
        fail(f"{what}.struct_size is {size}, smaller than the ABI 1.0 size "
             f"{ctypes.sizeof(cls)}")
    return cls.from_address(address)


# ---------------------------------------------------------------------------
# The host vtable
# ---------------------------------------------------------------------------


class Host:
    """One tandem_host for the one plugin; lives (with its callbacks) until exit."""

    def __init__(self):
        self.libc = ctypes.CDLL(None)
        self.libc.malloc.restype = c_void_p
        self.libc.malloc.argtypes = [c_size_t]
        self.libc.free.restype = None
        self.libc.free.argtypes = [c_void_p]
        self.live_allocations = set()
        self.violations = []  # ABI violations seen inside callbacks

        # ctypes callbacks must stay referenced for as long as C may call them.
        self._log = HostLogFn(self._log_cb)
        self._allocate = HostAllocateFn(self._allocate_cb)
        self._free = HostFreeFn(self._free_cb)
        self._get_extension = HostGetExtensionFn(self._get_extension_cb)
        self._name = b"arrow_check"
        self._version = b"1.0.0"

        self.struct = TandemHost()
        self.struct.struct_size = ctypes.sizeof(TandemHost)
        self.struct.abi_major = HOST_ABI_MAJOR
        self.struct.abi_minor = HOST_ABI_MINOR
        self.struct.host_name = self._name
        self.struct.host_version = self._version
        self.struct.host_data = None
        self.struct.log = self._log
        self.struct.allocate = self._allocate
        self.struct.free = self._free
        self.struct.get_extension = self._get_extension
        self.address = ctypes.addressof(self.struct)

    def _check_host(self, host, function):
        address = ctypes.cast(host, c_void_p).value
        if address != self.address:
            self.violations.append(
                f"host->{function} was called with host pointer {address:#x} "
                f"instead of the tandem_host given to init ({self.address:#x})"
                if address else f"host->{function} was called with a NULL host pointer")

    def _log_cb(self, host, level, message):
        try:
            self._check_host(host, "log")
            if message:
                text = ctypes.string_at(message).decode("utf-8", "backslashreplace")
            else:
                self.violations.append("host->log was called with a NULL message")
                text = "(NULL)"
            name = LOG_LEVELS.get(level, f"LEVEL{level}")
            sys.stderr.write(f"arrow_check: plugin log [{name}] {text}\n")
            sys.stderr.flush()
        except Exception as e:  # never let an exception reach C
            self.violations.append(f"host->log callback raised {e!r}")

    def _allocate_cb(self, host, size):
        try:
            self._check_host(host, "allocate")
            pointer = self.libc.malloc(size)
            if pointer:
                self.live_allocations.add(pointer)
            return pointer
        except Exception as e:
            self.violations.append(f"host->allocate callback raised {e!r}")
            return None

    def _free_cb(self, host, pointer):
        try:
            self._check_host(host, "free")
            if not pointer:
                return
            if pointer not in self.live_allocations:
                # Not ours, or freed twice: do not hand it to free(3).
                self.violations.append(
                    f"host->free was given {pointer:#x}, which host->allocate did not "
                    f"return or which was already freed")
                return
            self.live_allocations.discard(pointer)
            self.libc.free(pointer)
        except Exception as e:
            self.violations.append(f"host->free callback raised {e!r}")

    def _get_extension_cb(self, host, extension_id):
        try:
            self._check_host(host, "get_extension")
            text = extension_id.decode("utf-8", "backslashreplace") if extension_id else "(NULL)"
            sys.stderr.write(f"arrow_check: plugin asked for host extension {text}: not offered\n")
        except Exception as e:
            self.violations.append(f"host->get_extension callback raised {e!r}")
        return None

    def check_violations(self, after):
        if self.violations:
            fail(f"after {after}: " + "; ".join(self.violations))


# ---------------------------------------------------------------------------
# Column formats
# ---------------------------------------------------------------------------

FORMAT_RE = re.compile(r"(n|b|l|g|u|z|tdD|d:(\d+),(-?\d+)|ts([smun]):(.*))", re.S)
TS_UNITS = {"s": "s", "m": "ms", "u": "us", "n": "ns"}


def parse_format(fmt):
    """Arrow C format string of ABI 1.0 -> pyarrow type; None when not supported."""
    m = FORMAT_RE.fullmatch(fmt)
    if not m:
        return None
    kind = m.group(1)
    simple = {"n": pa.null(), "b": pa.bool_(), "l": pa.int64(), "g": pa.float64(),
              "u": pa.string(), "z": pa.binary(), "tdD": pa.date32()}
    if kind in simple:
        return simple[kind]
    if kind.startswith("d:"):
        precision, scale = int(m.group(2)), int(m.group(3))
        if not 1 <= precision <= 38:
            return None
        try:
            return pa.decimal128(precision, scale)
        except (ValueError, pa.ArrowInvalid):
            return None
    tz = m.group(5)
    return pa.timestamp(TS_UNITS[m.group(4)], tz=tz if tz else None)


# ---------------------------------------------------------------------------
# JSON rows -> pyarrow
# ---------------------------------------------------------------------------

DECIMAL_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EPOCH = datetime.date(1970, 1, 1)
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
NONFINITE_IN = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def validity_buffer(values):
    bits = bytearray((len(values) + 7) // 8)
    for i, v in enumerate(values):
        if v is not None:
            bits[i // 8] |= 1 << (i % 8)
    return pa.py_buffer(bytes(bits))


def decimal_unscaled(text, precision, scale, where):
    """Exact decimal string -> unscaled integer at `scale`; fails when digits would be lost."""
    if not isinstance(text, str) or not DECIMAL_RE.fullmatch(text):
        fail(f"{where}: {text!r} is not an exact decimal string like \"-12.34\"")
    negative = text.startswith("-")
    integer, _, fraction = text.lstrip("-").partition(".")
    digits = int(integer + fraction)
    shift = scale - len(fraction)  # value = digits * 10^-len(fraction)
    if shift >= 0:
        unscaled = digits * 10 ** shift
    else:
        unscaled, rest = divmod(digits, 10 ** -shift)
        if rest:
            fail(f"{where}: {text} has more fraction digits than scale {scale} holds")
    if unscaled >= 10 ** precision:
        fail(f"{where}: {text} does not fit decimal({precision}, {scale})")
    return -unscaled if negative else unscaled


def build_column(values, typ, where):
    n = len(values)
    if pa.types.is_null(typ):
        for i, v in enumerate(values):
            if v is not None:
                fail(f"{where} row {i}: a null column holds only null, not {v!r}")
        return pa.nulls(n, pa.null())
    if pa.types.is_decimal(typ):
        data = bytearray(16 * n)
        for i, v in enumerate(values):
            if v is not None:
                u = decimal_unscaled(v, typ.precision, typ.scale, f"{where} row {i}")
                data[16 * i:16 * i + 16] = u.to_bytes(16, "little", signed=True)
        nulls = sum(v is None for v in values)
        return pa.Array.from_buffers(typ, n, [validity_buffer(values) if nulls else None,
                                              pa.py_buffer(bytes(data))], null_count=nulls)
    converted = []
    for i, v in enumerate(values):
        w = f"{where} row {i}"
        if v is None:
            converted.append(None)
        elif pa.types.is_boolean(typ):
            if not isinstance(v, bool):
                fail(f"{w}: {v!r} is not true/false")
            converted.append(v)
        elif pa.types.is_int64(typ) or pa.types.is_timestamp(typ):
            if isinstance(v, bool) or not isinstance(v, int):
                fail(f"{w}: {v!r} is not an integer")
            if not INT64_MIN <= v <= INT64_MAX:
                fail(f"{w}: {v} does not fit int64")
            converted.append(v)
        elif pa.types.is_float64(typ):
            if isinstance(v, str) and v in NONFINITE_IN:
                converted.append(NONFINITE_IN[v])
            elif isinstance(v, bool) or not isinstance(v, (int, float)):
                fail(f"{w}: {v!r} is not a number")
            else:
                converted.append(float(v))
        elif pa.types.is_string(typ):
            if not isinstance(v, str):
                fail(f"{w}: {v!r} is not a string")
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as e:
                fail(f"{w}: string is not encodable as UTF-8 ({e})")
            converted.append(v)
        elif pa.types.is_binary(typ):
            if not isinstance(v, str):
                fail(f"{w}: {v!r} is not a base64 string")
            try:
                converted.append(base64.b64decode(v, validate=True))
            except ValueError as e:
                fail(f"{w}: {v!r} is not valid base64 ({e})")
        elif pa.types.is_date32(typ):
            if not isinstance(v, str) or not DATE_RE.fullmatch(v):
                fail(f"{w}: {v!r} is not a \"YYYY-MM-DD\" date")
            try:
                converted.append((datetime.date.fromisoformat(v) - EPOCH).days)
            except ValueError as e:
                fail(f"{w}: {v!r} is not a valid date ({e})")
        else:
            fail(f"{where}: unsupported type {typ}")
    if pa.types.is_date32(typ):
        return pa.array(converted, type=pa.int32()).view(pa.date32())
    if pa.types.is_timestamp(typ):
        return pa.array(converted, type=pa.int64()).view(typ)
    return pa.array(converted, type=typ)


def build_batch(spec, where):
    if not isinstance(spec, dict):
        fail(f"{where}: \"input\" must be an object with \"columns\" and \"rows\"")
    columns, rows = spec.get("columns"), spec.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        fail(f"{where}: \"input\" needs a \"columns\" list and a \"rows\" list")
    fields = []
    for j, col in enumerate(columns):
        if not isinstance(col, dict) or not isinstance(col.get("name"), str) \
                or not isinstance(col.get("format"), str):
            fail(f"{where} column {j}: needs a string \"name\" and a string \"format\"")
        typ = parse_format(col["format"])
        if typ is None:
            fail(f"{where} column {col['name']!r}: format {col['format']!r} is not an ABI 1.0 "
                 f"column format (n b l g u z d:P,S tdD tss: tsm: tsu: tsn:)")
        nullable = col.get("nullable", True)
        if not isinstance(nullable, bool):
            fail(f"{where} column {col['name']!r}: \"nullable\" must be true or false")
        fields.append(pa.field(col["name"], typ, nullable=nullable))
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(fields):
            fail(f"{where} row {i}: expected a list of {len(fields)} values, got {row!r}")
    arrays = []
    for j, field in enumerate(fields):
        w = f"{where} column {field.name!r}"
        values = [row[j] for row in rows]
        if not field.nullable and any(v is None for v in values):
            fail(f"{w}: null in a column declared \"nullable\": false")
        arrays.append(build_column(values, field.type, w))
    if fields:
        batch = pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))
    else:  # zero columns still carry a row count
        batch = pa.RecordBatch.from_struct_array(pa.array([{}] * len(rows), pa.struct([])))
    if batch.num_rows != len(rows):
        fail(f"{where}: built {batch.num_rows} rows instead of {len(rows)}")
    return batch


# ---------------------------------------------------------------------------
# pyarrow -> JSON rows
# ---------------------------------------------------------------------------


def format_unscaled(unscaled, scale):
    """Unscaled decimal integer -> fixed-point text with exactly `scale` fraction digits."""
    sign = "-" if unscaled < 0 else ""
    digits = str(abs(unscaled))
    if scale > 0:
        digits = digits.rjust(scale + 1, "0")
        return f"{sign}{digits[:-scale]}.{digits[-scale:]}"
    if unscaled == 0:
        return "0"
    return sign + digits + "0" * (-scale)


def encode_column(array, where):
    typ = array.type
    valid = array.is_valid().to_pylist()
    n = len(array)
    if pa.types.is_null(typ):
        return [None] * n
    if pa.types.is_decimal128(typ):
        # Read the 16-byte two's complement values straight from the buffer, then
        # cross-check against the decimal.Decimal pyarrow itself returns.
        data = array.buffers()[1]
        if data is None:
            fail(f"{where}: decimal column without a data buffer")
        raw = data.to_pybytes()
        if len(raw) < 16 * (array.offset + n):
            fail(f"{where}: decimal data buffer of {len(raw)} bytes is too short")
        decoded = array.to_pylist()
        out = []
        for i in range(n):
            if not valid[i]:
                out.append(None)
                continue
            k = 16 * (array.offset + i)
            unscaled = int.from_bytes(raw[k:k + 16], "little", signed=True)
            if abs(unscaled) >= 10 ** typ.precision:
                fail(f"{where} row {i}: unscaled value {unscaled} exceeds precision "
                     f"{typ.precision}")
            text = format_unscaled(unscaled, typ.scale)
            d = decoded[i]
            if not isinstance(d, decimal.Decimal) or d != decimal.Decimal(text) \
                    or format(d, "f") != text:
                fail(f"{where} row {i}: pyarrow reads {d!r} but the buffer holds {text}")
            out.append(text)
        return out
    if pa.types.is_date32(typ):
        days = array.view(pa.int32()).to_pylist()
        out = []
        for i, d in enumerate(days):
            if d is None:
                out.append(None)
                continue
            try:
                out.append((EPOCH + datetime.timedelta(days=d)).isoformat())
            except OverflowError:
                fail(f"{where} row {i}: date32 value {d} is outside years 1..9999")
        return out
    if pa.types.is_timestamp(typ):
        return array.view(pa.int64()).to_pylist()
    if pa.types.is_binary(typ):
        return [None if v is None else base64.b64encode(v).decode("ascii")
                for v in array.to_pylist()]
    if pa.types.is_float64(typ):
        out = []
        for v in array.to_pylist():
            if v is not None and not math.isfinite(v):
                v = "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
            out.append(v)
        return out
    if pa.types.is_boolean(typ) or pa.types.is_int64(typ) or pa.types.is_string(typ):
        return array.to_pylist()
    fail(f"{where}: pyarrow type {typ} is not an ABI 1.0 column type")


# ---------------------------------------------------------------------------
# The plugin
# ---------------------------------------------------------------------------


class PluginError(Exception):
    """A plugin-reported error: a case result, not a failure."""

    def __init__(self, stage, code, message):
        super().__init__(message)
        self.stage, self.code, self.message = stage, code, message


def new_error():
    error = TandemError()  # ctypes zero-fills
    error.struct_size = ctypes.sizeof(TandemError)
    return error


def check_untouched(error, call):
    if error.code != 0 or error.message or error.release:
        fail(f"{call} returned TANDEM_OK but wrote to the tandem_error "
             f"(code {error.code}); a plugin must leave it untouched on success")


def take_error(status, error, call):
    """Reads and releases the tandem_error a failed call filled; returns (code, message)."""
    if not error.release:
        fail(f"{call} returned status {status} but left tandem_error.release NULL")
    address = error.message
    message = ctypes.string_at(address) if address else None
    code = error.code
    error.release(ctypes.byref(error))
    if error.release:
        fail(f"{call}: tandem_error.release did not set release to NULL")
    if message is None:
        fail(f"{call} returned status {status} but left tandem_error.message NULL")
    try:
        message = message.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"{call}: tandem_error.message is not valid UTF-8 ({e}): {message!r}")
    if code != status:
        fail(f"{call} returned status {status} but set tandem_error.code {code}")
    return code, message


def snapshot_array(array):
    """Bytes of a borrowed ArrowArray and of its children's structs."""
    parts = [ctypes.string_at(ctypes.addressof(array), ctypes.sizeof(ArrowArray))]
    for i in range(array.n_children):
        child = array.children[i]
        parts.append(ctypes.string_at(ctypes.cast(child, c_void_p).value,
                                      ctypes.sizeof(ArrowArray)))
    return parts


class Plugin:
    def __init__(self, path, host, config_json):
        self.host = host
        mode = os.RTLD_NOW | os.RTLD_LOCAL | getattr(os, "RTLD_NODELETE", 0)
        try:
            self.lib = ctypes.CDLL(path, mode=mode)
        except OSError as e:
            fail(f"cannot dlopen {path}: {e}")
        try:
            entry_address = ctypes.cast(self.lib.tandem_plugin_entry_v1, c_void_p).value
        except AttributeError:
            fail(f"{path} does not export tandem_plugin_entry_v1")
        entry = EntryV1Fn(entry_address)

        descriptor = entry(HOST_ABI_MAJOR, HOST_ABI_MINOR)
        address = ctypes.cast(descriptor, c_void_p).value
        if not address:
            fail(f"tandem_plugin_entry_v1({HOST_ABI_MAJOR}, {HOST_ABI_MINOR}) returned NULL: "
                 f"the plugin refuses this host")
        d = struct_at(address, TandemPluginDescriptor, "tandem_plugin_descriptor")
        if d.abi_major != 1:
            fail(f"descriptor says abi_major {d.abi_major}; this host speaks 1")
        self.id = c_string(d.id, "descriptor.id")
        self.version = c_string(d.version, "descriptor.version")
        for field in ("name", "description"):  # display strings: checked when present
            if getattr(d, field):
                c_string(getattr(d, field), f"descriptor.{field}")
        if not d.init:
            fail("descriptor.init is NULL (required)")
        has_map = bool(d.kinds & TANDEM_KIND_TABLE_MAP)
        has_transform = bool(d.kinds & TANDEM_KIND_TRANSFORM)
        if has_map != bool(d.map_provider):
            fail(f"descriptor.map_provider must be non-NULL exactly when kinds "
                 f"({d.kinds:#x}) has TANDEM_KIND_TABLE_MAP")
        if has_transform != bool(d.transform_provider):
            fail(f"descriptor.transform_provider must be non-NULL exactly when kinds "
                 f"({d.kinds:#x}) has TANDEM_KIND_TRANSFORM")
        if not has_transform:
            fail(f"plugin {self.id} does not claim TANDEM_KIND_TRANSFORM; nothing to check")
        provider = struct_at(ctypes.cast(d.transform_provider, c_void_p).value,
                             TandemTransformProvider, "tandem_transform_provider")
        if not provider.transforms_json or not provider.create_transform:
            fail("transform_provider.transforms_json and create_transform are required")
        self.descriptor, self.provider = d, provider

        error = new_error()
        self._config = config_json.encode("utf-8")
        status = d.init(ctypes.cast(ctypes.pointer(host.struct), POINTER(TandemHost)),
                        self._config, ctypes.byref(error))
        host.check_violations("init")
        if status != TANDEM_OK:
            code, message = take_error(status, error, "init")
            fail(f"plugin {self.id} refused init ({STATUS_NAMES.get(code, code)}): {message}")
        check_untouched(error, "init")

        catalog = c_string(provider.transforms_json(), "transforms_json()")
        try:
            doc = json.loads(catalog)
        except json.JSONDecodeError as e:
            fail(f"transforms_json() is not JSON: {e}")
        if not isinstance(doc, dict) or doc.get("format") != "tandem.transforms/1":
            fail("transforms_json() is not a \"tandem.transforms/1\" document")
        self.catalog = doc

    def shutdown(self):
        if self.descriptor.shutdown:
            self.descriptor.shutdown()
            self.host.check_violations("shutdown")

    def run_case(self, name, config_json, batch, where):
        try:
            return self._run_case(name, config_json, batch, where)
        except PluginError as e:
            return {"transform": name, "error": e.message, "code": e.code, "stage": e.stage}

    def _call(self, where, stage, function, *args):
        """Calls a fallible plugin function with a fresh tandem_error."""
        error = new_error()
        status = function(*args, ctypes.byref(error))
        call = f"{where}: {stage}"
        self.host.check_violations(call)
        if status != TANDEM_OK:
            code, message = take_error(status, error, call)
            raise PluginError(stage, code, message)
        check_untouched(error, call)

    def _run_case(self, name, config_json, batch, where):
        host = self.host

        # create_transform with a borrowed input schema, released by us afterwards.
        in_schema = ArrowSchema()
        batch.schema._export_to_c(ctypes.addressof(in_schema))
        processor_ptr = POINTER(TandemProcessor)()
        try:
            self._call(where, "create_transform", self.provider.create_transform,
                       name.encode("utf-8"), config_json.encode("utf-8"),
                       ctypes.byref(in_schema), ctypes.byref(processor_ptr))
        finally:
            if not in_schema.release:
                fail(f"{where}: create_transform released the borrowed input schema")
            in_schema.release(ctypes.byref(in_schema))
        proc_address = ctypes.cast(processor_ptr, c_void_p).value
        proc = struct_at(proc_address, TandemProcessor, f"{where}: tandem_processor")
        if not (proc.get_output_schema and proc.process and proc.release):
            fail(f"{where}: tandem_processor has a NULL function pointer")
        proc_arg = ctypes.cast(proc_address, POINTER(TandemProcessor))

        released = False

        def release_processor():
            nonlocal released
            if not released:
                released = True
                proc.release(proc_arg)
                host.check_violations(f"{where}: processor release")

        try:
            # The output schema, asked for once; moved to us.
            out_schema = ArrowSchema()
            self._call(where, "get_output_schema", proc.get_output_schema, proc_arg,
                       ctypes.byref(out_schema))
            if not out_schema.release:
                fail(f"{where}: get_output_schema returned a schema with a NULL release")
            try:
                formats = self._read_output_schema(out_schema, where)
            except CheckFailure:
                out_schema.release(ctypes.byref(out_schema))
                raise
            try:
                pa_schema = pa.Schema._import_from_c(ctypes.addressof(out_schema))
            except Exception as e:
                fail(f"{where}: pyarrow cannot import the output schema: {e}")
            if out_schema.release:
                fail(f"{where}: output schema still has a release after import")

            # process: the input array is borrowed; we release it ourselves.
            in_array = ArrowArray()
            batch._export_to_c(ctypes.addressof(in_array))
            before = snapshot_array(in_array)
            out_array = ArrowArray()
            plugin_error = None
            try:
                self._call(where, "process", proc.process, proc_arg, ctypes.byref(in_array),
                           ctypes.byref(out_array))
            except PluginError as e:
                plugin_error = e
            if not in_array.release:
                fail(f"{where}: plugin released a borrowed input array")
            if snapshot_array(in_array) != before:
                fail(f"{where}: plugin modified the borrowed input ArrowArray struct")
            in_array.release(ctypes.byref(in_array))
            if in_array.release:
                fail(f"{where}: input array release did not clear release")
            if plugin_error is not None:
                if out_array.release:
                    fail(f"{where}: process failed but set out->release")
                raise plugin_error

            if not out_array.release:
                fail(f"{where}: process returned TANDEM_OK with out->release NULL")
            if out_array.length != batch.num_rows:
                out_array.release(ctypes.byref(out_array))
                fail(f"{where}: transform returned {out_array.length} rows for "
                     f"{batch.num_rows} input rows")
            try:
                out_batch = pa.RecordBatch._import_from_c(ctypes.addressof(out_array),
                                                          pa_schema)
            except Exception as e:
                fail(f"{where}: pyarrow cannot import the output array: {e}")
            if out_array.release:
                fail(f"{where}: output array still has a release after import")
        finally:
            release_processor()

        # The output is ours: it must outlive the processor that made it.
        try:
            out_batch.validate(full=True)
        except Exception as e:
            fail(f"{where}: output batch is not valid Arrow: {e}")
        if out_batch.num_rows != batch.num_rows:
            fail(f"{where}: transform returned {out_batch.num_rows} rows for "
                 f"{batch.num_rows} input rows")
        columns, encoded = [], []
        for j, field in enumerate(out_batch.schema):
            columns.append({"name": field.name, "type": str(field.type),
                            "format": formats[j], "nullable": field.nullable})
            encoded.append(encode_column(out_batch.column(j),
                                         f"{where} output column {field.name!r}"))
        rows = [list(r) for r in zip(*encoded)] if encoded else [[] for _ in
                                                               range(out_batch.num_rows)]
        del out_batch  # releases the plugin's arrays now, within this case
        host.check_violations(f"{where}: output array release")
        return {"transform": name, "columns": columns, "rows": rows}

    @staticmethod
    def _read_output_schema(schema, where):
        """Checks the exported "+s" schema in C before pyarrow sees it; returns child formats."""
        top = c_string(schema.format, f"{where}: output schema format")
        if top != "+s":
            fail(f"{where}: output schema format is {top!r}, expected \"+s\"")
        if not 0 <= schema.n_children <= 100000:
            fail(f"{where}: output schema n_children is {schema.n_children}")
        if schema.n_children and not schema.children:
            fail(f"{where}: output schema has n_children {schema.n_children} but NULL children")
        formats = []
        for i in range(schema.n_children):
            child_ptr = schema.children[i]
            if not child_ptr:
                fail(f"{where}: output schema child {i} is NULL")
            child = child_ptr.contents
            fmt = c_string(child.format, f"{where}: output column {i} format")
            name = c_string(child.name, f"{where}: output column {i} name") \
                if child.name else ""
            if parse_format(fmt) is None:
                fail(f"{where}: output column {name!r} has format {fmt!r}, not an ABI 1.0 "
                     f"column format")
            if not child.release:
                fail(f"{where}: output column {name!r} schema has a NULL release")
            formats.append(fmt)
        return formats


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def load_job(path):
    try:
        with open(path, "rb") as f:
            job = json.loads(f.read().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        fail(f"cannot read job file {path}: {e}")
    if not isinstance(job, dict) or not isinstance(job.get("plugin"), str):
        fail(f"{path}: the job needs a string \"plugin\"")
    if not isinstance(job.get("config", {}), dict):
        fail(f"{path}: \"config\" must be an object")
    if not isinstance(job.get("cases"), list):
        fail(f"{path}: the job needs a \"cases\" list")
    plugin = job["plugin"]
    if not os.path.isabs(plugin):
        plugin = os.path.join(os.path.dirname(os.path.abspath(path)), plugin)
    cases = []
    for i, case in enumerate(job["cases"]):
        where = f"case {i}"
        if not isinstance(case, dict) or not isinstance(case.get("transform"), str):
            fail(f"{where}: needs a string \"transform\"")
        where = f"case {i} ({case['transform']})"
        config = case.get("config", {})
        if not isinstance(config, dict):
            fail(f"{where}: \"config\" must be an object")
        cases.append((case["transform"], json.dumps(config, ensure_ascii=False),
                      build_batch(case.get("input"), where), where))
    return plugin, json.dumps(job.get("config", {}), ensure_ascii=False), cases


def to_json(value, indent=""):
    """Indented JSON whose flat lists and objects (rows, column entries) stay on one line."""
    def flat(v):
        items = v.values() if isinstance(v, dict) else v
        return not any(isinstance(x, (dict, list)) for x in items)

    if not isinstance(value, (dict, list)) or flat(value):
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {to_json(v, inner)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    items = [inner + to_json(v, inner) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + indent + "]"


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: arrow_check.py JOB.json\n")
        return 1
    try:
        plugin_path, plugin_config, cases = load_job(argv[1])
        host = Host()
        plugin = Plugin(plugin_path, host, plugin_config)
        results = [plugin.run_case(*case) for case in cases]
        plugin.shutdown()
        document = {"plugin": {"id": plugin.id, "version": plugin.version}, "cases": results}
        text = to_json(document)
    except CheckFailure as e:
        sys.stderr.write(f"arrow_check: {e}\n")
        return 1
    except Exception as e:  # a bug here or in pyarrow: still a clear failure
        import traceback
        traceback.print_exc()
        sys.stderr.write(f"arrow_check: internal error: {e!r}\n")
        return 1
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
