"""Hand encoding of Kafka requests and decoding of responses, classic and flexible (KIP-482),
for the tests that send shapes no installed client sends. Field layouts follow Kafka's JSON
message schemas (apache/kafka clients/src/main/resources/common/message/*.json)."""
import socket
import struct


class Enc:
    def __init__(self, flexible=False):
        self.flexible = flexible
        self.b = bytearray()

    def i8(self, v): self.b += struct.pack(">b", v); return self
    def i16(self, v): self.b += struct.pack(">h", v); return self
    def i32(self, v): self.b += struct.pack(">i", v); return self
    def i64(self, v): self.b += struct.pack(">q", v); return self
    def boolean(self, v): return self.i8(1 if v else 0)

    def uvarint(self, v):
        while v >= 0x80:
            self.b.append((v & 0x7F) | 0x80)
            v >>= 7
        self.b.append(v)
        return self

    def _len(self, n):  # n = -1 for null
        if self.flexible:
            self.uvarint(n + 1)
        else:
            self.i16(n)

    def string(self, s):
        if s is None:
            self._len(-1)
            return self
        data = s.encode()
        self._len(len(data))
        self.b += data
        return self

    def bytes_(self, data):
        if self.flexible:
            self.uvarint(len(data) + 1)
        else:
            self.i32(len(data))
        self.b += data
        return self

    def array(self, items, fn):
        if items is None:
            if self.flexible:
                self.uvarint(0)
            else:
                self.i32(-1)
            return self
        if self.flexible:
            self.uvarint(len(items) + 1)
        else:
            self.i32(len(items))
        for it in items:
            fn(self, it)
        return self

    def tags(self):
        if self.flexible:
            self.uvarint(0)
        return self

    def done(self):
        return bytes(self.b)


class Dec:
    def __init__(self, data, flexible=False):
        self.d = data
        self.p = 0
        self.flexible = flexible

    def _take(self, n):
        assert self.p + n <= len(self.d), "response truncated"
        out = self.d[self.p:self.p + n]
        self.p += n
        return out

    def i8(self): return struct.unpack(">b", self._take(1))[0]
    def i16(self): return struct.unpack(">h", self._take(2))[0]
    def i32(self): return struct.unpack(">i", self._take(4))[0]
    def i64(self): return struct.unpack(">q", self._take(8))[0]
    def boolean(self): return self.i8() != 0
    def uuid(self): return self._take(16)

    def uvarint(self):
        v, shift = 0, 0
        while True:
            b = self._take(1)[0]
            v |= (b & 0x7F) << shift
            if not b & 0x80:
                return v
            shift += 7

    def _len(self):
        if self.flexible:
            return self.uvarint() - 1
        return self.i16()

    def string(self):
        n = self._len()
        return None if n < 0 else self._take(n).decode()

    def bytes_(self):
        n = self.uvarint() - 1 if self.flexible else self.i32()
        return None if n < 0 else self._take(n)

    def array(self, fn):
        n = self.uvarint() - 1 if self.flexible else self.i32()
        if n < 0:
            return None
        return [fn(self) for _ in range(n)]

    def tags(self):
        if self.flexible:
            for _ in range(self.uvarint()):
                self.uvarint()
                self._take(self.uvarint())

    def end(self):
        assert self.p == len(self.d), f"{len(self.d) - self.p} bytes left undecoded"


class Conn:
    def __init__(self, bootstrap, timeout=10):
        host, port = bootstrap.split(":")
        self.s = socket.create_connection((host, int(port)), timeout=timeout)
        self.corr = 0

    def call(self, key, version, body, flexible=False):
        """Sends one request (header v2 when flexible) and returns the response body."""
        self.corr += 1
        client = b"kwire"
        header = struct.pack(">hhih", key, version, self.corr, len(client)) + client
        if flexible:
            header += b"\x00"
        msg = header + body
        self.s.sendall(struct.pack(">i", len(msg)) + msg)
        size = struct.unpack(">i", self.recv(4))[0]
        data = self.recv(size)
        assert struct.unpack(">i", data[:4])[0] == self.corr
        data = data[4:]
        if flexible and key != 18:
            d = Dec(data, True)
            d.tags()
            data = data[d.p:]
        return data

    def recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            assert chunk, "broker closed the connection"
            buf += chunk
        return buf

    def api_versions(self):
        d = Dec(self.call(18, 0, b""))
        assert d.i16() == 0
        return {k: (lo, hi) for k, lo, hi in d.array(lambda d: (d.i16(), d.i16(), d.i16()))}
