package api

import "strconv"

// Objects are named by their IDs in URLs and messages; a new object takes
// the next free one (live.NextID).

// itoa renders an ID.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
