// Package dialoginfo is ringd's busy lamp field (BLF): the dialog event
// package of RFC 4235 over the SIP events framework of RFC 6665. It owns
// two things and nothing else:
//
//   - Body, the application/dialog-info+xml document a NOTIFY carries: the
//     dialogs of one watched extension (ringing, on a call, ended);
//   - Table, the subscriptions (SUBSCRIBE with Event: dialog): who watches
//     which extension, until when, and each one's NOTIFY counters.
//
// It is pure: no goroutines, timers, clock, I/O, logging or randomness.
// Times come in as now parameters (int64 nanoseconds on any one time line,
// Unix or the driver's, as long as the caller keeps to it); the To tag
// ringd answers an initial SUBSCRIBE with comes in too. One goroutine (the
// SIP driver) owns a Table; it is not safe for concurrent use. The SIP
// layer parses the SUBSCRIBE, authenticates the subscriber as an extension
// (digest, as for an INVITE) before it calls Table.Subscribe, answers with
// the code Subscribe returns, and sends the NOTIFYs. This package imports
// the standard library only, never another ringd package.
//
// # Which tag is which
//
// Everything in a Dialog is seen from the watched extension (RFC 4235
// §4.1): "local" is the extension, "remote" the other party.
//
// For a call ringing AT the watched extension (the leg ringd sent it):
//
//	direction  = "recipient"
//	state      = "early" (once the member sent 180/183 with a To tag;
//	             "trying"/"proceeding" before)
//	call-id    = the Call-ID of that leg
//	local-tag  = the member's To tag (from its 18x), when known
//	remote-tag = the From tag of the leg (the caller's side of it)
//	local      = the extension (sip:1001@ringd.local)
//	remote     = the caller, with the caller's display name
//
// For a call the watched extension made, direction = "initiator",
// local-tag = its From tag and remote-tag = the To tag of the answer.
// Kamailio's pua_dialoginfo fills the attributes the same way.
//
// A phone picking up from its BLF key (Snom, Yealink, Polycom) sends an
// INVITE with Replaces (RFC 3891) built from these attributes. In
// Replaces the to-tag is the tag of the UA that receives the INVITE, so a
// picker aiming at the caller's side of the leg sends
// "Replaces: <call-id>;to-tag=<remote-tag>;from-tag=<local-tag>"; phones
// are not all careful about it, so the SIP layer should match the two
// tags in either order against the ringing leg. Phones that pick up by
// dialling instead dial the remote <target> URI when there is one, so a
// ringing dialog's RemoteTarget may carry ringd's directed pickup code
// (sip:**1001@ringd.local), as FreeSWITCH does.
//
// # Subscriptions
//
// Table.Subscribe applies RFC 6665 and RFC 4235 §3.4 with these numbers
// (ringd's choice where the RFCs leave one):
//
//   - no Expires header: DefaultExpires (3600 s);
//   - Expires above MaxExpires: granted MaxExpires (3600 s);
//   - 0 < Expires < MinExpires (60 s): 423 Interval Too Brief, with
//     Min-Expires: 60;
//   - Expires 0 ends the subscription (an initial one is a fetch): 200,
//     then one NOTIFY with the current state and Subscription-State
//     "terminated;reason=timeout";
//   - a refresh or unsubscribe (in-dialog SUBSCRIBE) of a subscription
//     ringd does not hold, or that has expired, gets 481;
//   - a subscriber other than the one that subscribed gets 403, and so
//     does a SUBSCRIBE with no authenticated extension;
//   - a SUBSCRIBE without Call-ID, From tag or (drawn) To tag, an initial
//     one without a watched extension, and an initial one reusing the
//     Call-ID and From tag of a subscription to another extension get
//     400 (one reusing them for the same extension refreshes it);
//   - beyond Limits (10,000 subscriptions in all, 50 per subscriber
//     extension by default) a new subscription gets 503; refreshes are
//     never refused for the limits.
//
// Every 200 is followed by a NOTIFY with the full current state (RFC 6665
// §4.2.1). Each NOTIFY takes Sub.NextCSeq and Sub.NextVersion (the
// dialog-info version starts at 0 and counts the documents sent on that
// subscription) and carries Sub.SubscriptionState. Table.Expire hands back
// the subscriptions whose time ran out, each owed a last NOTIFY with
// "terminated;reason=timeout".
package dialoginfo
