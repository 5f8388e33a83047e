/**
 * TLS material of the HTTP listener: a certificate (chain) and its private key, read from PEM files
 * at start and again on SIGHUP, so a renewed certificate is served without a restart. Everything is
 * checked before it is used (both files parse, the key belongs to the certificate): a bad renewal
 * is reported and the certificate in use stays.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { errorMessage } from '../util/errors.js';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** For the log line: whom the certificate names and until when it is valid. */
  subject: string;
  validTo: string;
  expired: boolean;
}

/** Reads and checks the files; throws an Error naming the file (never quoting a key) on any problem. */
export function loadTlsMaterial(files: TlsFiles, now: number): TlsMaterial {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read the HTTPS ${what} ${path}: ${errorMessage(err)}`);
    }
  };
  const cert = read(files.certFile, 'certificate');
  const key = read(files.keyFile, 'key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw new Error(`${files.certFile} is not a PEM certificate: ${errorMessage(err)}`);
  }
  try {
    // Parses the key and checks it matches the certificate, as the server would at handshake time.
    createSecureContext({ cert, key });
  } catch (err) {
    throw new Error(`${files.keyFile} is not a usable key for ${files.certFile}: ${errorMessage(err)}`);
  }
  const subject = leaf.subjectAltName ?? leaf.subject.replace(/\n/g, ', ');
  return { cert, key, subject, validTo: leaf.validTo, expired: Date.parse(leaf.validTo) <= now };
}
