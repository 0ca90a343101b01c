package sioconn_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/loadgen/sioconn/internal/sioserver"
)

func ExampleDial() {
	srv, err := sioserver.Start(sioserver.Config{})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	// A refused CONNECT comes back as a *ConnectError with the server's data.
	_, err = sioconn.Dial(ctx, sioconn.Options{URL: srv.URL(), Namespace: "/app", Auth: map[string]any{"token": "expired"}})
	var ce *sioconn.ConnectError
	if errors.As(err, &ce) {
		fmt.Println("refused:", ce.Code)
	}

	c, err := sioconn.Dial(ctx, sioconn.Options{
		URL:        srv.URL(),
		Namespace:  "/app",
		Auth:       map[string]any{"token": "valid"},
		ReadyEvent: "welcome", // the server's connection handler has run
	})
	if err != nil {
		panic(err)
	}
	reply, err := c.EmitWithAck(ctx, "echo", map[string]string{"body": "hi"})
	if err != nil {
		panic(err)
	}
	var args []map[string]string
	_ = json.Unmarshal(reply, &args)
	fmt.Println("ack:", args[0]["body"])

	_ = c.Emit("kick-me", nil) // the server answers with socket.Disconnect(false)
	<-c.Done()
	fmt.Println("closed:", c.CloseReason())
	// Output:
	// refused: TOKEN_EXPIRED
	// ack: hi
	// closed: io server disconnect
}
