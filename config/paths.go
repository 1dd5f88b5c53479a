package config

import "strconv"

// Paths name a key the way problems report it, in the file's own terms:
// keys joined by dots, list items by their index in brackets
// (`ring_groups[0].members[1].extension`).

// join is the path of key under path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index is the path of item i of the list at path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
