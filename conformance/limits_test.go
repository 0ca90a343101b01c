package conformance_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// padded returns a valid message:send payload whose JSON encoding exceeds size bytes:
// the padding goes into metadata, which the payload-size check sees before the schema.
func padded(w *World, conv string, size int) map[string]any {
	p := w.Text(conv, "padded")
	p["metadata"] = map[string]any{"padding": strings.Repeat("x", size)}
	return p
}

var _ = Describe("limits", Label("limits"), func() {
	It("answers an event over maxPayloadBytes with PAYLOAD_TOO_LARGE and keeps the socket", clause("limits.app-payload"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		limit := contract.Limits.MaxPayloadBytes
		if int64(limit) >= contract.Transport.MaxHTTPBufferSize {
			Skip(MissingPrefix + "maxPayloadBytes is not below maxHttpBufferSize: no frame is over one and under the other")
		}
		p := padded(w, r.conv, limit+1024)
		a := request(ctx, r.a, r.send, p)
		Expect(a.IsError).To(BeTrue(), "a %d-byte message:send was accepted (limit %d): %s", limit+1024, limit, a)
		Expect(a.Code()).To(Equal(spec.CodePayloadTooLarge), "answer %s", a)
		Expect(a.Details()).To(HaveKeyWithValue("limit", BeNumerically("==", limit)))
		Expect(a.Details()).To(HaveKeyWithValue("size", BeNumerically(">", limit)))
		Expect(r.a.Connected()).To(BeTrue(), "the socket must stay after PAYLOAD_TOO_LARGE")
		r.barrier(ctx, r.a, r.b)
		Expect(r.news(r.b, w.MessageID(p))).To(BeEmpty(), "the oversized message was delivered")
	})

	It("closes the connection of a frame over maxHttpBufferSize, and only that one", clause("limits.transport-payload"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		x := connect(ctx, w, w.User("agent"), r.ns)
		p := padded(w, r.conv, int(contract.Transport.MaxHTTPBufferSize)+1024)
		x.Emit(r.send, p)
		_, err := x.WaitDisconnect(ctx)
		Expect(err).NotTo(HaveOccurred(), "a %d-byte frame did not close its connection (maxHttpBufferSize %d)", len(fmt.Sprint(p)), contract.Transport.MaxHTTPBufferSize)
		Expect(r.a.Connected()).To(BeTrue(), "another socket was disconnected")
		Expect(r.b.Connected()).To(BeTrue(), "another socket was disconnected")
		r.barrier(ctx, r.a, r.b)
		r.barrier(ctx, r.b, r.a)
		Expect(r.news(r.b, w.MessageID(p))).To(BeEmpty(), "the oversized frame was processed")
	})

	It("refuses the member past maxUsersPerRoom with ROOM_FULL, on join and on send", clause("limits.room-size"), func(ctx SpecContext) {
		w := NewWorld()
		ns, conv := appNS(), ConversationID()
		join, send := ev(spec.JoinConversation), ev(spec.SendMessage)
		limit := contract.Limits.MaxUsersPerRoom
		// Members are users who joined: each joins from its own socket, then closes it
		// (membership stays). A few at a time keep the handshakes cheap.
		errs := make(chan error, limit)
		users := make(chan User, limit)
		for i := 0; i < limit; i++ {
			users <- w.User("agent")
		}
		close(users)
		var wg sync.WaitGroup
		for k := 0; k < 8; k++ {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				for u := range users {
					errs <- joinOnce(ctx, w, u, ns, join, conv)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			Expect(err).NotTo(HaveOccurred())
		}
		late := connect(ctx, w, w.User("agent"), ns)
		a := request(ctx, late, join, Valid(join, Fill{Conversation: conv}))
		Expect(a.IsError).To(BeTrue(), "user %d joined a conversation of at most %d", limit+1, limit)
		Expect(a.Code()).To(Equal(spec.CodeRoomFull), "answer %s", a)
		Expect(a.Details()).To(HaveKeyWithValue("limit", BeNumerically("==", limit)))
		a = request(ctx, late, send, w.Text(conv, "one too many"))
		Expect(a.IsError).To(BeTrue(), "user %d sent to a conversation of at most %d", limit+1, limit)
		Expect(a.Code()).To(Equal(spec.CodeRoomFull), "answer %s", a)
	})
})

// joinOnce connects u, joins conv and closes the socket.
func joinOnce(ctx context.Context, w *World, u User, ns string, join *spec.Event, conv string) error {
	c, err := w.Dial(ctx, u, ns)
	if err != nil {
		return err
	}
	defer c.Close()
	a, err := c.Request(ctx, join, Valid(join, Fill{Conversation: conv}))
	if err != nil {
		return err
	}
	if a.IsError {
		return fmt.Errorf("%s: join refused: %s", u.ID, a)
	}
	return nil
}
