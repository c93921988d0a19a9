/** Types for @ewsjs/ntlm-client (the package ships none). */
declare module '@ewsjs/ntlm-client' {
  export interface Type2Message {
    flags: number;
    encoding: 'ascii' | 'ucs2';
    /** 2 when the challenge asks for extended session security (NTLMv2 responses). */
    version: 1 | 2;
    challenge: Buffer;
    targetName: string;
    targetInfo?: { parsed: Record<string, string>; buffer: Buffer };
  }
  /** "NTLM <base64 NEGOTIATE_MESSAGE>". */
  export function createType1Message(workstation?: string, target?: string): string;
  /** Accepts "NTLM <base64>" or the bare base64 CHALLENGE_MESSAGE. */
  export function decodeType2Message(header: string): Type2Message;
  /** "NTLM <base64 AUTHENTICATE_MESSAGE>"; `target` is the user's domain (default: the challenge's target name). */
  export function createType3Message(
    type2: Type2Message,
    username: string,
    password: string,
    workstation?: string,
    target?: string,
  ): string;
}
