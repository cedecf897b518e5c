package org.modelkit.api.data;

/**
 * A rectified stereo pair: the left and right images of one scene, of the same size and channel
 * count, with epipolar lines along the rows (a point at column {@code x} in the left image appears at
 * column {@code x - d} in the right one, {@code d} being its disparity).
 *
 * @param left  the left image
 * @param right the right image, same width, height and channels as left
 */
public record StereoPair(Frame left, Frame right) {
    /**
     * @throws IllegalArgumentException if an image is null or the two differ in size or channels
     */
    public StereoPair {
        Checks.notNull(left, "left");
        Checks.notNull(right, "right");
        if (!left.sameSize(right)) {
            throw new IllegalArgumentException("left " + left + " and right " + right
                    + " must have the same width, height and channels");
        }
    }

    /** @return the width of both images */
    public int width() {
        return left.width();
    }

    /** @return the height of both images */
    public int height() {
        return left.height();
    }
}
