package reference

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestHijackWriterForgetsTheResponse: behind releaseOnHijack an upgrade handler
// can hijack as usual, and afterwards the writer no longer holds net/http's
// ResponseWriter (and so its buffers).
func TestHijackWriterForgetsTheResponse(t *testing.T) {
	got := make(chan *hijackWriter, 1)
	srv := httptest.NewServer(releaseOnHijack(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw, ok := w.(*hijackWriter)
		if !ok {
			w.WriteHeader(http.StatusTeapot) // no upgrade: the plain writer
			return
		}
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\n\r\n")
		_ = brw.Flush()
		conn.Close()
		got <- hw
	})))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTeapot {
		t.Fatalf("plain request: %d", res.StatusCode)
	}
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"))
	line, _ := bufio.NewReader(c).ReadString('\n')
	if line != "HTTP/1.1 101 Switching Protocols\r\n" {
		t.Fatalf("upgrade answered %q", line)
	}
	hw := <-got
	if hw.inner() != nil {
		t.Error("the writer still holds the ResponseWriter after Hijack")
	}
	if _, err := hw.Write([]byte("x")); !errors.Is(err, http.ErrHijacked) {
		t.Errorf("Write after Hijack = %v, want ErrHijacked", err)
	}
	if _, _, err := hw.Hijack(); !errors.Is(err, http.ErrHijacked) {
		t.Errorf("second Hijack = %v, want ErrHijacked", err)
	}
	hw.Header().Set("X", "y") // harmless
	hw.WriteHeader(http.StatusOK)
}
