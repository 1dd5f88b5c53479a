package engine

// CallID identifies a call for as long as it lasts: a slot number and a
// generation, so an ID never matches a later call that reuses the slot.
// The zero CallID is never issued.
type CallID uint64

func (id CallID) slot() int32 { return int32(uint32(id)) }

// GroupID is the dense, stable identity of a ring group (see Compile).
type GroupID int32
