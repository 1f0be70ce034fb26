/**
 * One key subscription for the whole app, and screens that hear keys from the moment they are on
 * screen.
 *
 * Ink's `useInput` subscribes in a passive effect, which React (Ink renders a legacy root) runs
 * after the commit that already painted the frame. A key that arrives in between reached no one:
 * an operator who pressed Enter the instant a screen appeared lost the key, and while one screen
 * gave way to another with no reader in between, raw mode was switched off, so an Enter typed
 * then arrived as a cooked `\n` that no handler reads as Enter.
 *
 * Here the provider holds the only Ink subscription, for the app's lifetime (raw mode stays on),
 * and screens register with it in a layout effect: the handler is there in the same commit that
 * paints the screen, before any input event can run. Keys that arrive before the provider's own
 * Ink subscription exists (the first frame only) are kept and replayed once it does.
 * A key that arrives while no handler is active is dropped: it never lands on a screen that was
 * not shown when it was sent.
 */
import { useInput, useStdin, type Key } from 'ink';
import {
  createContext,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  type ReactNode,
} from 'react';

type Handler = (input: string, key: Key) => void;

interface Subscriber {
  handler: { current: Handler };
  active: { current: boolean };
}

interface KeyHub {
  add(s: Subscriber): () => void;
  /** Hands a key to every active handler, as if it had just been typed. */
  deliver(input: string, key: Key): void;
}

const KeyHubContext = createContext<KeyHub | undefined>(undefined);

export function KeyInputProvider({ children }: { children: ReactNode }) {
  const subscribers = useRef<Subscriber[]>([]);
  const hub = useMemo<KeyHub>(
    () => ({
      add(s) {
        subscribers.current = [...subscribers.current, s];
        return () => {
          s.active.current = false;
          subscribers.current = subscribers.current.filter((x) => x !== s);
        };
      },
      deliver(input, key) {
        // A handler may unmount others (a key that leaves the screen): they are deafened at once.
        for (const s of subscribers.current) if (s.active.current) s.handler.current(input, key);
      },
    }),
    [],
  );

  const { internal_eventEmitter: emitter, isRawModeSupported, setRawMode } = useStdin();
  // Until Ink's own listener below is attached, raw input is kept here and replayed after.
  const early = useRef<string[] | undefined>([]);
  useLayoutEffect(() => {
    if (isRawModeSupported) setRawMode(true);
    const keep = (data: string) => early.current?.push(data);
    emitter.on('input', keep);
    return () => {
      emitter.off('input', keep);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [emitter, isRawModeSupported, setRawMode]);

  useInput((input, key) => hub.deliver(input, key));

  // Declared after useInput: React runs it after that hook's subscription effect.
  useEffect(() => {
    const kept = early.current ?? [];
    early.current = undefined;
    for (const data of kept) emitter.emit('input', data);
  }, [emitter]);

  return <KeyHubContext.Provider value={hub}>{children}</KeyHubContext.Provider>;
}

/**
 * Hears keys while `isActive`, read in a layout effect: from the commit that shows the component
 * with `isActive` true, and deaf from the commit that hides it or takes the focus away.
 */
export function useKeyInput(handler: Handler, isActive: boolean): void {
  const hub = useContext(KeyHubContext);
  if (!hub) throw new Error('useKeyInput outside KeyInputProvider');
  const handlerRef = useRef(handler);
  const activeRef = useRef(isActive);
  useLayoutEffect(() => {
    handlerRef.current = handler;
    activeRef.current = isActive;
  });
  useLayoutEffect(() => hub.add({ handler: handlerRef, active: activeRef }), [hub]);
}

/** Hands keys to the handlers now on screen (text typed after the key that opened a field). */
export function useKeyDelivery(): KeyHub['deliver'] {
  const hub = useContext(KeyHubContext);
  if (!hub) throw new Error('useKeyDelivery outside KeyInputProvider');
  return hub.deliver;
}
