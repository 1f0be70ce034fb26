/**
 * The bottom of a screen without prompts of its own (home, audit): the keys of the moment, or
 * "Quit warden?" after Ctrl-C (a second Ctrl-C or y quits).
 */
import type { KeyContext } from '../keymap.js';
import { QUIT_QUESTION } from '../screens/sessionModel.js';
import { Footer } from './Footer.js';
import { ConfirmPrompt } from './TextPrompt.js';

export function ScreenFooter({
  context,
  askQuit,
  flash,
  width,
  isFocused,
  onQuitAnswer,
}: {
  context: KeyContext;
  askQuit: boolean;
  flash?: string;
  width: number;
  isFocused: boolean;
  onQuitAnswer(yes: boolean): void;
}) {
  return (
    <>
      {askQuit ? (
        <ConfirmPrompt
          question={QUIT_QUESTION}
          context="quitConfirm"
          width={width}
          isFocused={isFocused}
          onAnswer={onQuitAnswer}
        />
      ) : null}
      <Footer
        contexts={[askQuit ? 'quitConfirm' : context]}
        width={width}
        flash={askQuit ? undefined : flash}
      />
    </>
  );
}
