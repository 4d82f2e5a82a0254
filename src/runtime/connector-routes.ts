/**
 * The connector endpoints of the data plane (Feldera's "Input Connectors" and "Output
 * Connectors" API): `POST /tables/{t}/connectors/{c}/{start|pause}`,
 * `GET /tables/{t}/connectors/{c}/stats` and `GET /views/{v}/connectors/{c}/stats`.
 * `{c}` is the connector's name (`abc`, `unnamed-0`); relation names follow the identifier
 * rule. Answers are Feldera's: an empty 200 for an action, `InputEndpointStatus` and
 * `OutputEndpointStatus` for stats.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../types/errors.js';
import type { Controller } from './controller.js';

const InputParams = T.Object({ table_name: T.String(), connector_name: T.String() });
const ActionParams = T.Object({ table_name: T.String(), connector_name: T.String(), action: T.String() });
const OutputParams = T.Object({ view_name: T.String(), connector_name: T.String() });

export async function connectorRoutes(app: FastifyInstance, controller: Controller): Promise<void> {
  // The actions take no body; Feldera's SDK sends `Content-Type: application/json` with none.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
  const input = (tableName: string, connector: string) => {
    const table = controller.dataPlane.relation(tableName, 'table');
    const endpoint = controller.connectors.inputEndpoint(table.name, connector);
    if (!endpoint) {
      throw new ApiError(
        'UnknownInputEndpoint',
        `Table '${table.name}' has no input connector named '${connector.slice(0, 100)}' (endpoint '${table.name}.${connector.slice(0, 100)}')`,
        { endpoint_name: `${table.name}.${connector.slice(0, 100)}` },
      );
    }
    return endpoint;
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
      input(table_name, connector_name).setPaused(action === 'pause');
      return {};
    },
  );

  app.get(
    '/tables/:table_name/connectors/:connector_name/stats',
    { schema: { params: InputParams } },
    async (request) => {
      const { table_name, connector_name } = request.params as Static<typeof InputParams>;
      return input(table_name, connector_name).status();
    },
  );

  app.get(
    '/views/:view_name/connectors/:connector_name/stats',
    { schema: { params: OutputParams } },
    async (request) => {
      const { view_name, connector_name } = request.params as Static<typeof OutputParams>;
      const view = controller.dataPlane.relation(view_name, 'any');
      const endpoint = controller.connectors.outputEndpoint(view.name, connector_name);
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
