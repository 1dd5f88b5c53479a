package media

import "math"

// ConfirmTone is the short tone ringd plays when a feature code has done
// its work: two 150 ms beeps of 1000 Hz, 100 ms apart, after 200 ms of
// silence (the phone's audio path opening).
var ConfirmTone = newPrompt("confirmation tone", confirmPCM())

func confirmPCM() []int16 {
	const rate = clockRate
	ms := func(n int) int { return n * rate / 1000 }
	pcm := make([]int16, ms(200+150+100+150))
	beep := func(from int) {
		for i := 0; i < ms(150); i++ {
			pcm[from+i] = int16(8000 * math.Sin(2*math.Pi*1000*float64(i)/rate))
		}
	}
	beep(ms(200))
	beep(ms(200 + 150 + 100))
	return pcm
}
