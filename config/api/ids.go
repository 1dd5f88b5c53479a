package api

import "strconv"

// Objects are named by their IDs in URLs and messages; a new object takes
// the next free one.

// nextID is one more than the highest ID in list.
func nextID[T any](list []T, id func(*T) *int64) int64 {
	var max int64
	for i := range list {
		if v := *id(&list[i]); v > max {
			max = v
		}
	}
	return max + 1
}

// itoa renders an ID.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
