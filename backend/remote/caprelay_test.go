package remote

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"testing"
)

// frame is an unmasked server frame (RFC 6455 §5.2).
func frame(fin bool, opcode byte, payload []byte) []byte {
	b0 := opcode
	if fin {
		b0 |= 0x80
	}
	var head []byte
	switch n := len(payload); {
	case n < 126:
		head = []byte{b0, byte(n)}
	case n <= 0xffff:
		head = binary.BigEndian.AppendUint16([]byte{b0, 126}, uint16(n))
	default:
		head = binary.BigEndian.AppendUint64([]byte{b0, 127}, uint64(n))
	}
	return append(head, payload...)
}

func TestCopyCappedSkipsWholeMessagesOverTheLimit(t *testing.T) {
	head := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
	small := bytes.Repeat([]byte("a"), 200)  // 16-bit length
	big := bytes.Repeat([]byte("b"), 70_000) // 64-bit length, over the limit
	lead := bytes.Repeat([]byte("c"), 1100)  // a fragmented message, over from its first frame
	part := bytes.Repeat([]byte("c"), 600)
	ping := frame(true, 0x9, []byte("p")) // a control frame inside a message
	var in bytes.Buffer
	in.WriteString(head)
	in.Write(frame(true, 0x1, small))
	in.Write(frame(true, 0x1, big))
	in.Write(frame(false, 0x1, lead))
	in.Write(ping)
	in.Write(frame(true, 0x0, part))
	in.Write(frame(true, 0x2, []byte("ok")))

	var out bytes.Buffer
	var refused []int64
	err := copyCapped(&out, bufio.NewReader(&in), 1000, func(n int64) { refused = append(refused, n) })
	if !errors.Is(err, io.EOF) {
		t.Fatalf("ended with %v, want EOF", err)
	}
	var want bytes.Buffer
	want.WriteString(head)
	want.Write(frame(true, 0x1, small))
	want.Write(ping)
	want.Write(frame(true, 0x2, []byte("ok")))
	if !bytes.Equal(out.Bytes(), want.Bytes()) {
		t.Errorf("passed %d bytes, want %d (the head, the small message, the ping, the last message)", out.Len(), want.Len())
	}
	if !slices.Equal(refused, []int64{70_000, 1_700}) {
		t.Errorf("refused %v, want [70000 1700]", refused)
	}
}

// A message whose first frame passed cannot be taken back: the link ends.
func TestCopyCappedEndsALinkWhoseMessageGrowsOverTheLimit(t *testing.T) {
	var in bytes.Buffer
	in.WriteString("HTTP/1.1 101 Switching Protocols\r\n\r\n")
	in.Write(frame(false, 0x1, bytes.Repeat([]byte("a"), 800)))
	in.Write(frame(true, 0x0, bytes.Repeat([]byte("a"), 800)))
	err := copyCapped(io.Discard, bufio.NewReader(&in), 1000, func(int64) {})
	if err == nil || errors.Is(err, io.EOF) {
		t.Errorf("ended with %v, want an error", err)
	}
}
