/**
 * The connector endpoints of the data plane (Feldera's "Input Connectors" and "Output
 * Connectors" API): `POST /tables/{t}/connectors/{c}/{start|pause}`,
 * `GET /tables/{t}/connectors/{c}/stats` and `GET /views/{v}/connectors/{c}/stats`.
 * `{c}` is the connector's name (`abc`, `unnamed-0`); relation names follow the identifier
 * rule. Answers are Feldera's: an empty 200 for an action, `InputEndpointStatus` and
 * `OutputEndpointStatus` for stats. As in Feldera, `{c}` may also name an HTTP input
 * connector (`api-ingress-…`, http-input.ts) or an open egress stream (`api-…`), the part of
 * their `/stats` endpoint name after `{relation}.`: their stats are given; an HTTP input
 * connector cannot be paused or started (its client decides when it sends).
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../types/errors.js';
import type { Controller } from './controller.js';
import { outputStatus } from './stats.js';

const InputParams = T.Object({ table_name: T.String(), connector_name: T.String() });
const ActionParams = T.Object({ table_name: T.String(), connector_name: T.String(), action: T.String() });
const OutputParams = T.Object({ view_name: T.String(), connector_name: T.String() });

export async function connectorRoutes(app: FastifyInstance, controller: Controller): Promise<void> {
  // The actions take no body; Feldera's SDK sends `Content-Type: application/json` with none.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
  const unknownInput = (table: string, connector: string) =>
    new ApiError(
      'UnknownInputEndpoint',
      `Table '${table}' has no input connector named '${connector.slice(0, 100)}' (endpoint '${table}.${connector.slice(0, 100)}')`,
      { endpoint_name: `${table}.${connector.slice(0, 100)}` },
    );
  const input = (tableName: string, connector: string) => {
    const table = controller.dataPlane.relation(tableName, 'table');
    const endpoint = controller.connectors.inputEndpoint(table.name, connector);
    if (!endpoint) {
      const http = controller.dataPlane.httpInputs.find(table.name, connector);
      if (http) return { http, table: table.name };
      throw unknownInput(table.name, connector);
    }
    return { endpoint };
  };
  app.post(
    '/tables/:table_name/connectors/:connector_name/:action',
    { schema: { params: ActionParams } },
    async (request) => {
      const { table_name, connector_name, action } = request.params as Static<typeof ActionParams>;
      if (action !== 'start' && action !== 'pause') {
        throw new ApiError(
          'InvalidConnectorAction',
          `Invalid connector action '${action.slice(0, 100)}': use 'start' or 'pause'`,
          { action: action.slice(0, 100) },
        );
      }
      const found = input(table_name, connector_name);
      if (!found.endpoint) {
        throw new ApiError(
          'InvalidConnectorAction',
          `'${found.http.endpointName}' is an HTTP input connector: it reads what clients send to /ingress, so it cannot be paused or started; pause the pipeline, or stop sending`,
          { action, endpoint_name: found.http.endpointName },
        );
      }
      found.endpoint.setPaused(action === 'pause');
      return {};
    },
  );

  app.get(
    '/tables/:table_name/connectors/:connector_name/stats',
    { schema: { params: InputParams } },
    async (request) => {
      const { table_name, connector_name } = request.params as Static<typeof InputParams>;
      const found = input(table_name, connector_name);
      if (found.endpoint) return found.endpoint.status();
      const plane = controller.dataPlane;
      return found.http.status(
        plane.queuedRecordsOf(found.table),
        controller.runtimeStatus !== 'Running',
        true,
      );
    },
  );

  app.get(
    '/views/:view_name/connectors/:connector_name/stats',
    { schema: { params: OutputParams } },
    async (request) => {
      const { view_name, connector_name } = request.params as Static<typeof OutputParams>;
      const view = controller.dataPlane.relation(view_name, 'any');
      const endpoint = controller.connectors.outputEndpoint(view.name, connector_name);
      const egress = endpoint ? undefined : controller.dataPlane.subscriber(view.name, connector_name);
      if (egress) return outputStatus(egress, controller.dataPlane);
      if (!endpoint) {
        throw new ApiError(
          'UnknownOutputEndpoint',
          `'${view.name}' has no output connector named '${connector_name.slice(0, 100)}' (endpoint '${view.name}.${connector_name.slice(0, 100)}')`,
          { endpoint_name: `${view.name}.${connector_name.slice(0, 100)}` },
        );
      }
      return endpoint.status();
    },
  );
}
