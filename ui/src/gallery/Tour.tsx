import { useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import { useGalleryStore } from "./galleryStore";
import "./gallery.css";

export interface TourStop {
  title: string;
  text: string;
  /** The element the stop points at (a CSS selector). */
  target: string;
}

/** The tour: demo mode, Simulate alert, Run now, History. */
export const TOUR: readonly TourStop[] = [
  {
    title: "Demo mode",
    text: "No Defender tenant is connected, so Flowguard runs against its built-in Defender emulator and its own mail server. Nothing you do here reaches a real tenant. Connect one in Settings when you are ready.",
    target: '[data-testid="demo-banner"]',
  },
  {
    title: "Simulate alert",
    text: "Creates an alert in the emulator, as Defender would. A flow that is switched on picks it up within seconds; Run now can pick it too.",
    target: '[data-testid="demo-simulate"]',
  },
  {
    title: "Run now",
    text: "Runs the open flow once, on an alert you choose. With Dry run, isolation and email are recorded exactly as they would be sent, and nothing is sent.",
    target: '[data-testid="run-now"]',
  },
  {
    title: "History and activity",
    text: "Every run of the flow, manual or automatic, step by step with what changed in the tenant. Activity lists the runs of every flow, and counts those that changed the tenant.",
    target: '[data-testid="run-history"]',
  },
];

type Place = { ring: DOMRect | null; top: number; left: number };

const CARD_WIDTH = 320;
const CARD_HEIGHT = 190;

function placeFor(target: string): Place {
  const element = document.querySelector(target);
  const rect = element?.getBoundingClientRect() ?? null;
  const width = window.innerWidth;
  const height = window.innerHeight;
  if (!rect || (rect.width === 0 && rect.height === 0)) return { ring: null, top: Math.max(8, height / 2 - CARD_HEIGHT / 2), left: Math.max(8, width / 2 - CARD_WIDTH / 2) };
  const below = rect.bottom + 12;
  const top = below + CARD_HEIGHT < height ? below : Math.max(8, rect.top - CARD_HEIGHT - 12);
  const left = Math.min(Math.max(8, rect.left + rect.width / 2 - CARD_WIDTH / 2), Math.max(8, width - CARD_WIDTH - 8));
  return { ring: rect, top, left };
}

function samePlace(a: Place, b: Place): boolean {
  const ring = (r: DOMRect | null) => (r ? `${r.top},${r.left},${r.width},${r.height}` : "");
  return a.top === b.top && a.left === b.left && ring(a.ring) === ring(b.ring);
}

/** A short tour of the window, one stop at a time; Skip ends it, Help opens it again. */
export function Tour() {
  const step = useGalleryStore((state) => state.tourStep);
  const setStep = useGalleryStore((state) => state.setTourStep);
  const end = useGalleryStore((state) => state.endTour);
  const titleId = useId();
  const textId = useId();
  const card = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<Place | null>(null);
  const stop = step === null ? null : TOUR[step];

  useLayoutEffect(() => {
    if (!stop) return;
    const update = () => {
      const next = placeFor(stop.target);
      // The same place again changes nothing (no render for every change elsewhere on the page).
      setPlace((previous) => (previous && samePlace(previous, next) ? previous : next));
    };
    update();
    // What it points at may appear or move after the tour opened (the demo banner shows once the
    // engine's status is read): follow the page's changes, once per frame at most.
    let frame: number | null = null;
    const schedule = () => {
      if (frame !== null) return;
      frame = window.requestAnimationFrame(() => {
        frame = null;
        update();
      });
    };
    const observer = new MutationObserver(schedule);
    observer.observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", schedule);
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", schedule);
      if (frame !== null) window.cancelAnimationFrame(frame);
    };
  }, [stop]);
  useEffect(() => {
    if (stop) card.current?.querySelector<HTMLElement>("[data-primary]")?.focus();
  }, [stop]);

  if (step === null || !stop) return null;
  const last = step === TOUR.length - 1;
  return (
    <div
      className="tour-backdrop"
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === "Escape") end();
      }}
    >
      {place?.ring && (
        <div className="tour-ring" aria-hidden="true" style={{ top: place.ring.top - 4, left: place.ring.left - 4, width: place.ring.width + 8, height: place.ring.height + 8 }} />
      )}
      <div
        ref={card}
        className="tour-card"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={textId}
        data-testid="tour"
        data-step={step}
        style={place ? { top: place.top, left: place.left, width: CARD_WIDTH } : { width: CARD_WIDTH }}
      >
        <p className="tour-count">
          {step + 1} of {TOUR.length}
        </p>
        <h2 id={titleId} className="tour-title">
          {stop.title}
        </h2>
        <p id={textId} className="tour-text">
          {stop.text}
        </p>
        {!place?.ring && <p className="tour-text tour-missing">(Not on the screen right now.)</p>}
        <div className="tour-actions">
          <button type="button" className="plain-button" data-testid="tour-skip" onClick={end}>
            {last ? "Close" : "Skip tour"}
          </button>
          {step > 0 && (
            <button type="button" className="plain-button" onClick={() => setStep(step - 1)}>
              Back
            </button>
          )}
          <button type="button" className="primary-button" data-primary data-testid="tour-next" onClick={() => (last ? end() : setStep(step + 1))}>
            {last ? "Done" : "Next"}
          </button>
        </div>
      </div>
    </div>
  );
}

/** The toolbar's Help menu: the tour and the template gallery, any time. */
export function HelpMenu() {
  const [open, setOpen] = useState(false);
  const startTour = useGalleryStore((state) => state.startTour);
  const openGallery = useGalleryStore((state) => state.openGallery);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const onPointerDown = (event: MouseEvent) => {
      if (menu.current && !menu.current.parentElement?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onPointerDown);
    return () => document.removeEventListener("mousedown", onPointerDown);
  }, [open]);
  const choose = (action: () => void) => {
    setOpen(false);
    action();
  };
  return (
    <div className="help-menu-anchor">
      <button type="button" className="plain-button" data-testid="help" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        Help
      </button>
      {open && (
        <div
          ref={menu}
          className="help-menu"
          role="menu"
          aria-label="Help"
          onKeyDown={(event) => {
            if (event.key === "Escape") setOpen(false);
          }}
        >
          <button type="button" role="menuitem" className="menu-item" data-testid="help-tour" onClick={() => choose(startTour)}>
            <span className="menu-item-title">Take the tour</span>
            <span className="menu-item-help">Demo mode, Simulate alert, Run now, History</span>
          </button>
          <button type="button" role="menuitem" className="menu-item" data-testid="help-templates" onClick={() => choose(openGallery)}>
            <span className="menu-item-title">Templates</span>
            <span className="menu-item-help">Start a new flow from a template</span>
          </button>
        </div>
      )}
    </div>
  );
}
