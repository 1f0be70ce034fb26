/**
 * Keys are heard from the commit that shows a screen: an operator who presses a key the instant a
 * screen appears (or while one screen gives way to another) does not lose it. The key is written
 * just after the terminal write that paints the frame: before React has run any passive effect of
 * that commit, which is where Ink's own useInput would only then subscribe.
 */
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { KeyInputProvider, useKeyInput } from '../../src/ui/hooks/keyInput.js';

function First({ onNext }: { onNext(): void }) {
  useKeyInput((input) => {
    if (input === 'n') onNext();
  }, true);
  return <Text>first screen</Text>;
}

function Second({ heard }: { heard: string[] }) {
  useKeyInput((input, key) => heard.push(key.return ? 'Enter' : input), true);
  return <Text>second screen</Text>;
}

function Screens({ heard, startOnSecond }: { heard: string[]; startOnSecond?: boolean }) {
  const [second, setSecond] = useState(Boolean(startOnSecond));
  return second ? <Second heard={heard} /> : <First onNext={() => setSecond(true)} />;
}

/** Renders, and writes `key` to stdin right after the write of the first frame that matches. */
function renderAndPressOn(tree: React.ReactElement, shows: string, key: string) {
  let sent = false;
  const inst = render(<KeyInputProvider>{tree}</KeyInputProvider>);
  const write = inst.stdout.write.bind(inst.stdout);
  inst.stdout.write = (frame: string) => {
    write(frame);
    if (!sent && frame.includes(shows)) {
      sent = true;
      // The earliest a terminal's read can follow the write: once this commit has finished, before
      // anything React scheduled for later (its passive effects) has run.
      process.nextTick(() => inst.stdin.write(key));
    }
  };
  return { inst, wasSent: () => sent };
}

async function until(ok: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('keys from the first frame', () => {
  it('an Enter written as the next screen is painted reaches that screen', async () => {
    const heard: string[] = [];
    const { inst, wasSent } = renderAndPressOn(<Screens heard={heard} />, 'second screen', '\r');
    await until(() => (inst.lastFrame() ?? '').includes('first screen'));
    inst.stdin.write('n');
    await until(() => heard.length > 0);
    expect(wasSent()).toBe(true);
    // Raw mode held across the change of screen: the key is Enter, not a cooked newline.
    expect(heard).toEqual(['Enter']);
    inst.unmount();
  });

  it('a key written as the very first frame is painted is kept and heard once', async () => {
    const heard: string[] = [];
    const inst = render(
      <KeyInputProvider>
        <Screens heard={heard} startOnSecond />
      </KeyInputProvider>,
    );
    // render() has painted the first frame and returned; no passive effect has run yet.
    expect(inst.lastFrame()).toContain('second screen');
    inst.stdin.write('x');
    await until(() => heard.length > 0);
    inst.stdin.write('y');
    await until(() => heard.length > 1);
    expect(heard).toEqual(['x', 'y']);
    inst.unmount();
  });

  it('a screen that is gone hears nothing, even of the key that made it go', async () => {
    const heard: string[] = [];
    let firstHeard = 0;
    function CountingFirst({ onNext }: { onNext(): void }) {
      useKeyInput(() => {
        firstHeard++;
        onNext();
      }, true);
      return <Text>first screen</Text>;
    }
    function Switch() {
      const [second, setSecond] = useState(false);
      return second ? <Second heard={heard} /> : <CountingFirst onNext={() => setSecond(true)} />;
    }
    const inst = render(
      <KeyInputProvider>
        <Switch />
      </KeyInputProvider>,
    );
    await until(() => (inst.lastFrame() ?? '').includes('first screen'));
    inst.stdin.write('n');
    await until(() => (inst.lastFrame() ?? '').includes('second screen'));
    inst.stdin.write('z');
    await until(() => heard.length > 0);
    expect(firstHeard).toBe(1);
    expect(heard).toEqual(['z']);
    inst.unmount();
  });
});
