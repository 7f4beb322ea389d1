"""Video file helpers of the inference tests, with OpenCV directly (not
through the code under test)."""
import cv2


def write_video(path, frames, fps):
    """Write BGR uint8 frames into an .mp4 (mp4v, lossy) file."""
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (w, h))
    assert writer.isOpened(), f'OpenCV cannot write {path}'
    for frame in frames:
        writer.write(frame)
    writer.release()


def read_video(path):
    """All frames (BGR) of a video file and its frame rate."""
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    fps = cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    return frames, fps
