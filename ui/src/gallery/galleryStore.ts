//! The first-start gallery and the tour: whether each is showing. The gallery shows by itself
//! when there is no flow yet (and from the New menu or Help at any time); the tour opens by itself
//! once on a first start (no flow in the database) and from Help.
import { create } from "zustand";

interface GalleryState {
  /** The gallery as a dialog (opened from Help or the New menu); on a first start it fills the canvas instead. */
  galleryOpen: boolean;
  /** The tour's step, or null when it is not showing. */
  tourStep: number | null;
  /** Whether the tour already opened by itself in this session (it does so once). */
  tourOffered: boolean;
  openGallery(): void;
  closeGallery(): void;
  startTour(): void;
  /** Opens the tour on a first start, unless it did already. */
  offerTour(): void;
  setTourStep(step: number): void;
  endTour(): void;
}

export const useGalleryStore = create<GalleryState>()((set, get) => ({
  galleryOpen: false,
  tourStep: null,
  tourOffered: false,
  openGallery: () => set({ galleryOpen: true }),
  closeGallery: () => set({ galleryOpen: false }),
  startTour: () => set({ tourStep: 0, tourOffered: true, galleryOpen: false }),
  offerTour: () => {
    if (!get().tourOffered) set({ tourStep: 0, tourOffered: true });
  },
  setTourStep: (step) => set({ tourStep: step }),
  endTour: () => set({ tourStep: null }),
}));

/** Resets the store (tests). */
export function resetGalleryStore(): void {
  useGalleryStore.setState({ galleryOpen: false, tourStep: null, tourOffered: false });
}
