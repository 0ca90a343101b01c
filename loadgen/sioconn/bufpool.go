package sioconn

import "sync"

// Websocket buffer sizes. Frames of a load test are small; reads of a larger
// frame just take more than one read call. Write buffers come from a shared
// pool and are held only while a frame is written, which saves 4 KiB per
// idle connection.
const (
	readBufferSize  = 2048
	writeBufferSize = 4096
)

// writeBufferPool implements websocket.BufferPool over sync.Pool.
type writeBufferPool struct{ p sync.Pool }

func (w *writeBufferPool) Get() any  { return w.p.Get() }
func (w *writeBufferPool) Put(v any) { w.p.Put(v) }

var sharedWriteBuffers = &writeBufferPool{}
