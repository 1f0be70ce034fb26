/** The image reads of the `images` audit scope over dockerode: list, history, export stream. */
import type Docker from 'dockerode';
import type {
  DockerImageReadPort,
  ImageHistoryItem,
  ImageSummary,
} from '../../engine/docker-read-port.js';
import { classifyDockerError, type DockerEndpoint } from './client.js';

export function createDockerImageAdapter(
  docker: Docker,
  endpoint: DockerEndpoint,
): DockerImageReadPort {
  const fail = (err: unknown, what: string) => classifyDockerError(err, what, endpoint.display);
  return {
    async listImages(): Promise<ImageSummary[]> {
      try {
        return (await docker.listImages({ all: false })) as unknown as ImageSummary[];
      } catch (err) {
        throw fail(err, 'list images');
      }
    },
    async imageHistory(idOrName: string): Promise<ImageHistoryItem[]> {
      try {
        return (await docker.getImage(idOrName).history()) as ImageHistoryItem[];
      } catch (err) {
        throw fail(err, `read the history of image ${idOrName}`);
      }
    },
    async exportImage(idOrName: string): Promise<AsyncIterable<Uint8Array>> {
      try {
        // dockerode hands back the HTTP response stream: read as it arrives, never buffered.
        return (await docker.getImage(idOrName).get()) as unknown as AsyncIterable<Uint8Array>;
      } catch (err) {
        throw fail(err, `export image ${idOrName}`);
      }
    },
  };
}
