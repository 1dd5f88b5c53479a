// Package proxy is how ringd forwards requests as a stateful proxy: the
// messages it builds (a forwarded request with ringd's Via and
// Record-Route, a relayed response, CANCEL, the ACK of a failure, the
// requests and responses it sends as a dialog's end), its own client
// transactions (InviteTx for the INVITEs it forwards, RequestTx for the
// CANCELs and BYEs it originates), the Fork that combines the branches of
// one leg (RFC 3261 §16.7), and the relay of in-dialog requests.
//
// Transactions and forks have no goroutine, lock or timer of their own:
// one owner (the driver) steps them and carries out what they decide.
//
// It imports sipgo, sip/clock and sip/grammar; it must not import the root sip package,
// engine or config.
package proxy
